"""The 48 English "Golden Rules" for sentence boundary detection.

From Kevin Dias' pragmatic_segmenter, as used by pySBD (benchmarks/english_golden_rules.py,
MIT licence). Shared by tests/text/test_golden_rules.py and bench/segmentation.py.
Each entry is (rule name, input text, expected stripped sentences). None of the English
rules contains a line break, so our "every newline is a paragraph break" rule does not
interfere with any of them.
"""

GOLDEN_RULES: list[tuple[str, str, list[str]]] = [
    ("simple period", "Hello World. My name is Jonas.", ["Hello World.", "My name is Jonas."]),
    (
        "question mark",
        "What is your name? My name is Jonas.",
        ["What is your name?", "My name is Jonas."],
    ),
    ("exclamation point", "There it is! I found it.", ["There it is!", "I found it."]),
    ("one-letter upper abbreviation", "My name is Jonas E. Smith.", ["My name is Jonas E. Smith."]),
    ("one-letter lower abbreviation", "Please turn to p. 55.", ["Please turn to p. 55."]),
    (
        "two-letter lower abbreviation mid-sentence",
        "Were Jane and co. at the party?",
        ["Were Jane and co. at the party?"],
    ),
    (
        "two-letter upper abbreviation mid-sentence",
        "They closed the deal with Pitt, Briggs & Co. at noon.",
        ["They closed the deal with Pitt, Briggs & Co. at noon."],
    ),
    (
        "two-letter lower abbreviation at end",
        "Let's ask Jane and co. They should know.",
        ["Let's ask Jane and co.", "They should know."],
    ),
    (
        "two-letter upper abbreviation at end",
        "They closed the deal with Pitt, Briggs & Co. It closed yesterday.",
        ["They closed the deal with Pitt, Briggs & Co.", "It closed yesterday."],
    ),
    (
        "prepositive abbreviation",
        "I can see Mt. Fuji from here.",
        ["I can see Mt. Fuji from here."],
    ),
    (
        "prepositive and postpositive abbreviations",
        "St. Michael's Church is on 5th st. near the light.",
        ["St. Michael's Church is on 5th st. near the light."],
    ),
    ("possessive abbreviation", "That is JFK Jr.'s book.", ["That is JFK Jr.'s book."]),
    (
        "multi-period abbreviation mid-sentence",
        "I visited the U.S.A. last year.",
        ["I visited the U.S.A. last year."],
    ),
    (
        "multi-period abbreviation at end",
        "I live in the E.U. How about you?",
        ["I live in the E.U.", "How about you?"],
    ),
    (
        "U.S. as boundary",
        "I live in the U.S. How about you?",
        ["I live in the U.S.", "How about you?"],
    ),
    (
        "U.S. before capitalised word",
        "I work for the U.S. Government in Virginia.",
        ["I work for the U.S. Government in Virginia."],
    ),
    (
        "U.S. as non-boundary",
        "I have lived in the U.S. for 20 years.",
        ["I have lived in the U.S. for 20 years."],
    ),
    (
        "a.m./p.m. as boundary and non-boundary",
        "At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. "
        "Mr. Smith then went to the store.",
        [
            "At 5 a.m. Mr. Smith went to the bank.",
            "He left the bank at 6 P.M.",
            "Mr. Smith then went to the store.",
        ],
    ),
    ("number as non-boundary", "She has $100.00 in her bag.", ["She has $100.00 in her bag."]),
    (
        "number as boundary",
        "She has $100.00. It is in her bag.",
        ["She has $100.00.", "It is in her bag."],
    ),
    (
        "parenthetical inside sentence",
        "He teaches science (He previously worked for 5 years as an engineer.) "
        "at the local University.",
        [
            "He teaches science (He previously worked for 5 years as an engineer.) "
            "at the local University."
        ],
    ),
    (
        "email address",
        "Her email is Jane.Doe@example.com. I sent her an email.",
        ["Her email is Jane.Doe@example.com.", "I sent her an email."],
    ),
    (
        "web address",
        "The site is: https://www.example.50.com/new-site/awesome_content.html. "
        "Please check it out.",
        [
            "The site is: https://www.example.50.com/new-site/awesome_content.html.",
            "Please check it out.",
        ],
    ),
    (
        "single quotation inside sentence",
        "She turned to him, 'This is great.' she said.",
        ["She turned to him, 'This is great.' she said."],
    ),
    (
        "double quotation inside sentence",
        'She turned to him, "This is great." she said.',
        ['She turned to him, "This is great." she said.'],
    ),
    (
        "double quotation at end of sentence",
        'She turned to him, "This is great." She held the book out to show him.',
        ['She turned to him, "This is great."', "She held the book out to show him."],
    ),
    ("double exclamation", "Hello!! Long time no see.", ["Hello!!", "Long time no see."]),
    ("double question", "Hello?? Who is there?", ["Hello??", "Who is there?"]),
    ("exclamation-question", "Hello!? Is that you?", ["Hello!?", "Is that you?"]),
    ("question-exclamation", "Hello?! Is that you?", ["Hello?!", "Is that you?"]),
    (
        "list 1.) without final period",
        "1.) The first item 2.) The second item",
        ["1.) The first item", "2.) The second item"],
    ),
    (
        "list 1.) with final period",
        "1.) The first item. 2.) The second item.",
        ["1.) The first item.", "2.) The second item."],
    ),
    (
        "list 1) without final period",
        "1) The first item 2) The second item",
        ["1) The first item", "2) The second item"],
    ),
    (
        "list 1) with final period",
        "1) The first item. 2) The second item.",
        ["1) The first item.", "2) The second item."],
    ),
    (
        "list 1. without final period",
        "1. The first item 2. The second item",
        ["1. The first item", "2. The second item"],
    ),
    (
        "list 1. with final period",
        "1. The first item. 2. The second item.",
        ["1. The first item.", "2. The second item."],
    ),
    (
        "list with bullets",
        "• 9. The first item • 10. The second item",
        ["• 9. The first item", "• 10. The second item"],
    ),
    (
        "list with hyphen bullets",
        "⁃9. The first item ⁃10. The second item",
        ["⁃9. The first item", "⁃10. The second item"],
    ),
    (
        "alphabetical list",
        "a. The first item b. The second item c. The third list item",
        ["a. The first item", "b. The second item", "c. The third list item"],
    ),
    (
        "geo coordinates",
        "You can find it at N°. 1026.253.553. That is where the treasure is.",
        ["You can find it at N°. 1026.253.553.", "That is where the treasure is."],
    ),
    (
        "named entity with exclamation point",
        "She works at Yahoo! in the accounting department.",
        ["She works at Yahoo! in the accounting department."],
    ),
    (
        "I as boundary and as initial",
        "We make a good team, you and I. Did you see Albert I. Jones yesterday?",
        ["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"],
    ),
    (
        "ellipsis at end of quotation",
        "Thoreau argues that by simplifying one’s life, "
        "“the laws of the universe will appear less complex. . . .”",
        [
            "Thoreau argues that by simplifying one’s life, "
            "“the laws of the universe will appear less complex. . . .”"
        ],
    ),
    (
        "ellipsis with square brackets",
        '"Bohr [...] used the analogy of parallel stairways [...]" (Smith 55).',
        ['"Bohr [...] used the analogy of parallel stairways [...]" (Smith 55).'],
    ),
    (
        "ellipsis as boundary (standard)",
        "If words are left off at the end of a sentence, and that is all that is omitted, "
        "indicate the omission with ellipsis marks (preceded and followed by a space) and then "
        "indicate the end of the sentence with a period . . . . Next sentence.",
        [
            "If words are left off at the end of a sentence, and that is all that is omitted, "
            "indicate the omission with ellipsis marks (preceded and followed by a space) and "
            "then indicate the end of the sentence with a period . . . .",
            "Next sentence.",
        ],
    ),
    (
        "ellipsis as boundary (non-standard)",
        "I never meant that.... She left the store.",
        ["I never meant that....", "She left the store."],
    ),
    (
        "ellipsis as non-boundary",
        "I wasn’t really ... well, what I mean...see . . . what I'm saying, "
        "the thing is . . . I didn’t mean it.",
        [
            "I wasn’t really ... well, what I mean...see . . . what I'm saying, "
            "the thing is . . . I didn’t mean it."
        ],
    ),
    (
        "4-dot ellipsis",
        "One further habit which was somewhat weakened . . . was that of combining words into "
        "self-interpreting compounds. . . . The practice was not abandoned. . . .",
        [
            "One further habit which was somewhat weakened . . . was that of combining words "
            "into self-interpreting compounds.",
            ". . . The practice was not abandoned. . . .",
        ],
    ),
]
