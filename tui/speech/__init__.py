"""Audio capture and offline speech recognition: sources, resampling, engines, models."""
