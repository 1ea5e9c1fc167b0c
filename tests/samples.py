"""A small article shared by the annotation tests: one paragraph of three sentences, a title and
a short second paragraph. CRITICS is the sentence most tests annotate."""

TEXT = (
    "Budget Vote In The Council\n"
    "The council approved the new budget on Tuesday evening after a long debate. "
    "Critics say that the plan for the roads is far too expensive for a small town. "
    "Supporters reply that repairs are overdue.\n"
    "The vote was close. Nobody expected it."
)
CRITICS = "Critics say that the plan for the roads is far too expensive for a small town."
