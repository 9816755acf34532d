"""Residence control (bostedskontroll): risk model, campaigns and casework."""
