"""The vroegsignalering domain: partners, signals, assessment, feedback (terugmeldingen) and DDAS registration."""
