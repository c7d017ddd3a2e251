"""Evidence files: checked by content, hashed, kept outside the web root, stripped when copied."""
