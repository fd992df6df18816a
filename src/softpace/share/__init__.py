"""Sharing rendered sessions: export to a folder or zip (bundle), the private LAN share
(routes behind a token gate, run by lifecycle), and the security both it and the local
app use."""
