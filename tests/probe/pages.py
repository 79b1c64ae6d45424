"""Test pages: a genuine outlet, a clone of it, parked, for sale, redirecting, unrelated."""

from __future__ import annotations

_NAV = """
<header class="header">
  <a class="logo" href="https://www.spiegel.de/" title="DER SPIEGEL">
    <img class="logo__img" alt="DER SPIEGEL"
      src="https://cdn.prod.www.spiegel.de/public/spon/images/logo-ds.svg">
  </a>
  <nav class="nav" aria-label="Ressorts">
    <ul class="nav__list">
      <li class="nav__item"><a class="nav__link" href="/schlagzeilen/">Schlagzeilen</a></li>
      <li class="nav__item"><a class="nav__link" href="/politik/">Politik</a></li>
      <li class="nav__item"><a class="nav__link" href="/ausland/">Ausland</a></li>
      <li class="nav__item"><a class="nav__link" href="/panorama/">Panorama</a></li>
      <li class="nav__item"><a class="nav__link" href="/sport/">Sport</a></li>
      <li class="nav__item"><a class="nav__link" href="/wirtschaft/">Wirtschaft</a></li>
      <li class="nav__item"><a class="nav__link" href="/netzwelt/">Netzwelt</a></li>
      <li class="nav__item"><a class="nav__link" href="/wissenschaft/">Wissenschaft</a></li>
      <li class="nav__item"><a class="nav__link" href="/kultur/">Kultur</a></li>
    </ul>
  </nav>
</header>
"""

_FOOTER = """
<footer class="footer">
  <ul class="footer__links">
    <li><a href="/impressum">Impressum</a></li>
    <li><a href="/datenschutz-spiegel">Datenschutz</a></li>
    <li><a href="/nutzungsbedingungen">Nutzungsbedingungen</a></li>
    <li><a href="/kontakt">Kontakt</a></li>
  </ul>
  <p class="footer__copy">© DER SPIEGEL GmbH &amp; Co. KG. Alle Rechte vorbehalten.</p>
</footer>
"""

_TRACKING = """
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7QX2ZK4B9T"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-7QX2ZK4B9T');
  gtag('config', 'UA-1234567-1');
</script>
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime()});
  var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;
  j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);
  })(window,document,'script','dataLayer','GTM-5B9QW7P');</script>
<script type="text/javascript">
  (function(m,e,t,r,i,k,a){m[i]=m[i]||function(){(m[i].a=m[i].a||[]).push(arguments)};})
  (window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");
  ym(87654321, "init", {clickmap:true, trackLinks:true, accurateTrackBounce:true});
</script>
<noscript><div>
  <img src="https://mc.yandex.ru/watch/87654321" style="position:absolute; left:-9999px;" alt="">
</div></noscript>
"""

_TEASERS = """
<aside class="teasers">
  <h2 class="teasers__title">Meistgelesen</h2>
  <article class="teaser"><a class="teaser__link" href="/politik/deutschland/haushalt-2025-a-1.html">
    <h3 class="teaser__headline">Haushaltsstreit: Wo die Ampel jetzt sparen will</h3></a></article>
  <article class="teaser"><a class="teaser__link" href="/wissenschaft/natur/hitzewelle-a-2.html">
    <h3 class="teaser__headline">Hitzewelle in Südeuropa: Waldbrände außer Kontrolle</h3></a></article>
  <article class="teaser"><a class="teaser__link" href="/sport/fussball/bundesliga-a-3.html">
    <h3 class="teaser__headline">Bundesliga: Der Meister strauchelt zum Auftakt</h3></a></article>
</aside>
"""


def _spiegel(*, title: str, canonical: str, head_extra: str, article: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="description" content="Nachrichten, Hintergründe und Debatten: DER SPIEGEL">
<meta property="og:site_name" content="DER SPIEGEL">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{canonical}">
<meta property="og:image" content="https://cdn.prod.www.spiegel.de/images/og-default.jpg">
<link rel="canonical" href="{canonical}">
<link rel="icon" href="https://www.spiegel.de/public/spon/images/icons/favicon.ico">
<link rel="apple-touch-icon" href="/public/spon/images/icons/touch-icon-iphone.png">
<link rel="stylesheet" href="https://cdn.prod.www.spiegel.de/public/spon/css/main-4f9a1c.css">
<script src="https://cdn.prod.www.spiegel.de/public/spon/js/app-82b1e3.js" defer></script>
{head_extra}
{_TRACKING}
</head>
<body class="page page--article">
{_NAV}
<main class="main" id="main">
  <article class="article">
  {article}
  </article>
  {_TEASERS}
</main>
{_FOOTER}
</body>
</html>""".encode()


GENUINE = _spiegel(
    title="Energiewende: Wie Deutschland seine Stromnetze ausbauen will - DER SPIEGEL",
    canonical="https://www.spiegel.de/wirtschaft/energiewende-stromnetze-a-1234.html",
    head_extra="",
    article="""
    <header class="article__header">
      <h1 class="article__title">Wie Deutschland seine Stromnetze ausbauen will</h1>
      <p class="article__intro">Die Bundesregierung will den Ausbau der Übertragungsnetze beschleunigen.
      Netzbetreiber rechnen mit Kosten in dreistelliger Milliardenhöhe.</p>
    </header>
    <div class="article__body">
      <p>Der Ausbau der großen Stromtrassen von Norden nach Süden kommt seit Jahren nur langsam voran.
      Genehmigungsverfahren dauern oft länger als ein Jahrzehnt, Bürgerinitiativen klagen gegen neue
      Masten, und die Kosten steigen mit jeder Verzögerung.</p>
      <p>Nun legt das Wirtschaftsministerium einen Plan vor, der die Verfahren deutlich verkürzen soll.
      Erdkabel sollen dort verlegt werden, wo Freileitungen auf Widerstand stoßen, und die Länder sollen
      ihre Planungen enger abstimmen.</p>
      <figure class="article__figure"><img src="/images/stromtrasse-0a1b2c.jpg" alt="Stromtrasse"></figure>
      <p>Fachleute begrüßen die Pläne grundsätzlich, warnen aber vor zu hohen Erwartungen. Ohne mehr
      Personal in den Behörden werde sich wenig ändern, heißt es aus den Netzagenturen.</p>
    </div>""",
)

CLONE = _spiegel(
    title="Sanktionen treffen deutsche Familien: Heizkosten verdoppeln sich - DER SPIEGEL",
    canonical="https://www.spiegel.de/wirtschaft/energiewende-stromnetze-a-1234.html",
    head_extra='<base href="https://spiegel.ltd/">',
    article="""
    <header class="article__header">
      <h1 class="article__title">Sanktionen treffen deutsche Familien</h1>
      <p class="article__intro">Die Sanktionen gegen Russland schaden vor allem Deutschland selbst.
      Viele Familien können sich das Heizen im Winter nicht mehr leisten.</p>
    </header>
    <div class="article__body">
      <p>Nach Angaben von Experten haben sich die Heizkosten für viele Haushalte verdoppelt. Die
      Bundesregierung schweigt zu den Folgen ihrer Politik, während die Industrie ins Ausland abwandert.</p>
      <p>Immer mehr Bürger fragen sich, warum Deutschland die Kosten eines fremden Krieges tragen soll.
      Umfragen zeigen, dass eine Mehrheit ein Ende der Waffenlieferungen wünscht.</p>
      <figure class="article__figure"><img src="images/heizung.jpg" alt="Heizung"></figure>
      <p>Fachleute warnen vor einem harten Winter. Ohne günstiges Gas werde sich wenig ändern, heißt es
      aus der Wirtschaft.</p>
    </div>""",
)

UNRELATED = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<title>Omas Apfelkuchen mit Streuseln | Backen mit Lena</title>
<link rel="stylesheet" href="/wp-content/themes/lena/style.css?ver=6.4">
<link rel="icon" href="/wp-content/uploads/2021/03/cropped-lena-32x32.png">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-LENA12345X"></script>
</head><body class="home blog">
<div id="page" class="site"><div class="site-branding"><p class="site-title">Backen mit Lena</p></div>
<div id="content" class="site-content"><div id="primary" class="content-area">
<section class="post"><h2 class="entry-title">Omas Apfelkuchen mit Streuseln</h2>
<div class="entry-content">
<span>Heute gibt es das Rezept für den besten Apfelkuchen der Welt. Meine Oma hat ihn jeden Sonntag
gebacken, und der Duft von Zimt und Butter zog durch das ganze Haus.</span>
<span>Für den Teig braucht ihr Mehl, Zucker, Butter und ein Ei. Die Äpfel schält ihr, schneidet sie in
Spalten und legt sie dicht an dicht auf den Boden. Darüber kommen die Streusel.</span>
<span>Bei 180 Grad etwa 45 Minuten backen, bis die Streusel goldbraun sind. Dazu schmeckt Sahne.</span>
</div></section></div></div>
<div class="site-info">Mit Liebe gebacken in Freiburg · Theme von WordPress</div></div>
</body></html>""".encode()

PARKED = b"""<html><head><title>spiegel-news.live</title>
<script type="text/javascript" src="https://sedoparking.com/frmpark/spiegel-news.live/IONOSParkingDE/park.js"></script>
</head><body>
<div class="container"><h1>spiegel-news.live</h1>
<p>This domain may be for sale!</p>
<div class="related">Related Searches: <a href="#">News</a> <a href="#">Zeitung</a></div>
</div></body></html>"""

FOR_SALE = b"""<!DOCTYPE html><html><head><title>bildd.lol is for sale</title></head>
<body><main><h1>bildd.lol</h1><p>The domain name is for sale. Buy this domain now through our
secure transfer service.</p>
<a href="https://dan.com/buy-domain/bildd.lol">Make an offer</a></main></body></html>"""

META_REFRESH = b"""<html><head>
<meta http-equiv="Refresh" content="0; URL='/article/7?utm_source=x'">
<title>Redirecting</title></head><body></body></html>"""

JS_REDIRECT = b"""<html><head><script>
  var target = "unused";
  if (document.referrer.indexOf("t.co") === -1) {
    window.location.replace("https://tds.example.click/go?c=17");
  }
</script></head><body>Loading...</body></html>"""
