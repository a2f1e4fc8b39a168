"""The district's state: teachers, students, schools and the portfolio of initiatives.

Each is a structure of arrays (one row a person, school or initiative slot) that the
mechanisms act on whole. State imports nothing else of the model: mechanisms read and
write it, agents decide with it, the model holds it.
"""
