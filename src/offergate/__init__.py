"""offergate: gate releases on Microsoft's commercial review pipelines."""

__version__ = "0.1.0"
