"""Crisis mode: hold everything planned, speak with one voice, confirm every post afterwards."""
