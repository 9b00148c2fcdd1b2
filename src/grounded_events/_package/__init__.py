"""The data package: build inputs, the steps that make its files, Croissant, the report site."""
