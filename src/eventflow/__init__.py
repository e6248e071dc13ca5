"""eventflow: plan themed nights across bars and get every asset made, reviewed and approved by J-7."""

__version__ = "0.1.0"
