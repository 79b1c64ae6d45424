from clonewatch.cli import app

app(prog_name="clonewatch")
