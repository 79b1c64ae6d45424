"""clonewatch: find, prove and hand over look-alike domains of news outlets and government sites."""

__version__ = "0.1.0"
