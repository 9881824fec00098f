"""Configuration: layouts, the prompt bank, coach settings, user settings, TOML reading, paths."""
