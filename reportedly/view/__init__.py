"""Looking at one document's annotations outside Label Studio: in the terminal (``predict --format
pretty``) and as a self-contained HTML page (``reportedly show``), alone or gold against prediction."""
