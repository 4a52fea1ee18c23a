"""`make bench`: measured speed of Chamber beside the alternative a user would pick."""
