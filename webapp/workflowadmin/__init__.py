"""A borough's episode workflow drafted in the browser: a draft override of the national
workflow, checked and drawn as it is typed, published through the same two-person
publication as form changes, as immutable versions that episodes pin."""
