"""Occupied territory: pressure on health care and the contact log with facilities there."""
