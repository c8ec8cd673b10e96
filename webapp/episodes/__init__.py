"""CAF episodes: the folder for one child's CAF from first concern to closure."""
