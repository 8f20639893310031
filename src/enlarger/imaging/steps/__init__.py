"""The pipeline steps, one module each; ``enlarger.imaging.pipeline`` fixes their order."""
