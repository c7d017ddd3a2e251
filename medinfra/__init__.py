"""medinfra: registry, dashboard and open data for war damage to health infrastructure."""

__version__ = "0.1.0"
