"""Request security: imgix URL signatures and expiry (``signing``), the SSRF guard (``ssrf``)."""
