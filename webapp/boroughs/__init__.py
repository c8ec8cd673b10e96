"""Local authorities (boroughs), their organisations (agencies) and teams."""
