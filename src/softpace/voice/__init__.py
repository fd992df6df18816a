"""How it sounds: speech engine adapters, voice profiles, and the utterance cache."""
