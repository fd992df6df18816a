"""Voice profiles shipped with softpace (TOML files beside this one)."""
