"""Getting sessions onto the phone: labels, cover art, sidecars, export and the LAN share."""
