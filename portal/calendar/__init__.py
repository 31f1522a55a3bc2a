"""The legal working-time calendar (W1-W3) behind every deadline."""
