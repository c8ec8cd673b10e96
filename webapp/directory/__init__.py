"""The borough service directory (the Family Information Service of the London CAF
protocol, §5): services, who they are for, where and how to reach them. Practitioners
search any borough's directory; each borough's administrators maintain their own."""
