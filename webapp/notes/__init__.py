"""Confidential notes (guidance 4.16, 4.20): what the family does not want recorded on the
form or shared stays in the recording practitioner's own case notes, readable by nobody else."""
