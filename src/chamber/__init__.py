"""Chamber: member-and-service management for federations of industry and commerce."""

__version__ = "0.1.0"
