"""Each splitting rule on a small sentence (real spaCy parse, clause granularity unless stated)."""

import pytest

from claimkit.annotate.splitter import split_articles
from claimkit.annotate.types import Article, Claim, spans_text


def claims_of(nlp, text, granularity="clause"):
    (item,) = split_articles([Article("t", text)], nlp, granularity)
    return item.claims


def texts(nlp, text, granularity="clause"):
    return [c.text for c in claims_of(nlp, text, granularity)]


def test_split_reported_content_leaves_the_frame(nlp):
    assert texts(nlp, "NSO has said its tool cannot be used to target U.S. phone numbers.") == [
        "Its tool cannot be used to target U.S. phone numbers"
    ]


def test_split_trailing_said_frame_is_dropped(nlp):
    out = texts(nlp, "The bridge will stay closed until June, the department said on Friday.")
    assert out == ["The bridge will stay closed until June"]


def test_split_according_to_is_cut_from_the_claim(nlp):
    (claim,) = claims_of(nlp, "Inspectors found two cracks, according to a report by the department.")
    assert "according" not in claim.text and claim.text.startswith("Inspectors found two cracks")


def test_split_coordinated_clauses_with_own_subjects(nlp):
    out = texts(nlp, "WhatsApp sued NSO in 2019, and the FBI investigated the company.")
    assert len(out) == 2
    assert out[0].startswith("WhatsApp sued NSO") and out[1].startswith("The FBI investigated")


def test_split_coordinated_verbs_share_the_subject(nlp):
    claims = claims_of(nlp, "The council approved the budget and rejected the tax increase.")
    assert [c.text.rstrip(".") for c in claims] == [
        "The council approved the budget",
        "The council rejected the tax increase",
    ]
    assert len(claims[1].spans) == 2, "the shared subject makes the second claim discontinuous"


def test_split_non_restrictive_relative_clause_gets_its_noun(nlp):
    out = texts(nlp, "Traffic moved to River Road, which residents say was never built for that load.")
    assert "River Road was never built for that load" in out
    assert any(t.startswith("Traffic moved to River Road") for t in out)


def test_split_restrictive_relative_clause_stays_in_clause_mode(nlp):
    assert len(texts(nlp, "The company that sells spyware was blacklisted.")) == 1


def test_split_proposition_mode_gives_one_claim_per_list_member(nlp):
    out = texts(nlp, "The list included journalists, activists and lawyers.", "proposition")
    assert out == ["The list included journalists", "The list included activists", "The list included lawyers"]


def test_split_proposition_mode_splits_appositives(nlp):
    out = texts(nlp, "Candiru, another Israeli company, is also blacklisted.", "proposition")
    assert "Candiru is also blacklisted" in out
    assert any("another Israeli company" in t and "blacklisted" not in t for t in out)


def test_split_proposition_mode_is_finer(nlp):
    # (an earlier sentence here, "... married for ten years to actress Meg Ryan ...", was finer only
    # through a verbless fragment, "ten years to actress Meg Ryan", which is no longer emitted)
    text = "Python, a language launched by Guido van Rossum in 1991, is popular."
    assert len(texts(nlp, text, "proposition")) > len(texts(nlp, text, "clause"))


def test_split_quoted_frame_does_not_split_the_quote(nlp):
    out = texts(nlp, "“I hope Russia is listening,” he said.")
    assert out == ["I hope Russia is listening"], out


@pytest.mark.parametrize(
    "text",
    [
        "NSO says it can’t target US-based phone numbers",
        "Delmar Steel denied that its crews had skipped any inspection, and the department has not disputed that account.",
        "Candiru, another Israeli IT company that sells spyware (which is said to be used for similar purposes), is also blacklisted.",
    ],
)
def test_split_spans_point_into_the_original_text(nlp, text):
    for claim in claims_of(nlp, text):
        pieces = spans_text(text, claim.spans)
        assert all(0 <= s.start < s.end <= len(text) for s in claim.spans)
        assert claim.spans == tuple(sorted(claim.spans))
        for word in claim.text.replace("“", " ").split()[1:3]:
            assert word.strip(".,") in pieces


def test_split_claim_ids_are_stable_and_unique(nlp):
    text = "A said B is true. C is false, and D is unknown."
    first, second = claims_of(nlp, text), claims_of(nlp, text)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert all(c.id == Claim.make_id("t", c.spans) for c in first)


def test_split_paragraph_and_sentence_indices(nlp):
    text = "Heading without a period\n\nFirst sentence here. Second one there.\n\nThird paragraph."
    claims = claims_of(nlp, text)
    assert [(c.paragraph, c.sentence) for c in claims] == [(0, 0), (1, 1), (1, 2), (2, 3)]


# -- readable claims (issue 10): text and spans agree, no fragment, no clause dropped ---------------


def test_split_complementizer_is_in_neither_text_nor_spans(nlp):
    text = "NSO has said that its tool cannot be used to target U.S. phone numbers."
    (claim,) = claims_of(nlp, text)
    assert spans_text(text, claim.spans) == "its tool cannot be used to target U.S. phone numbers"
    assert claim.text == "Its tool cannot be used to target U.S. phone numbers"


def test_split_closing_quote_follows_the_content_it_closes(nlp):
    text = "The Post reports that her team wanted to “keep the details under wraps.”"
    (claim,) = claims_of(nlp, text)
    assert (
        claim.text.endswith("under wraps.”")
        and spans_text(text, claim.spans) == claim.text[:1].lower() + claim.text[1:]
    )


def test_split_conjunct_borrows_the_shared_auxiliary(nlp):
    text = "Bloomberg reports that the Republican nominee has either won or tied among the group of voters."
    assert "The Republican nominee has tied among the group of voters" in texts(nlp, text)


def test_split_non_finite_content_stays_with_its_frame(nlp):
    text = "Caddell discussed recent polls, including ones showing Trump leading nationally."
    out = texts(nlp, text)
    assert "Trump leading nationally" not in out and any("showing Trump leading nationally" in t for t in out)


def test_split_relative_clause_takes_the_parsers_antecedent(nlp):
    out = texts(nlp, "Clinton supporters have also questioned the health of Donald Trump, who is 70.")
    assert "The health is 70" not in out


def test_split_speaker_label_joins_its_sentence(nlp):
    out = texts(nlp, '"PENCE: And that’s why Donald Trump is on his way to the White House.')
    assert "PENCE" not in out and len(out) == 1


# -- cuts at content boundaries: complements of stance verbs -------------------------------------


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The company wants to preserve its policy.", "to preserve its policy"),
        ("Trump called the deal a disaster.", "the deal a disaster"),
    ],
)
def test_split_stance_complement_leaves_its_frame(nlp, text, content):
    (claim,) = claims_of(nlp, text)
    assert spans_text(text, claim.spans) == content


def test_split_stance_inside_reported_content_stays_whole(nlp):
    """ "it wants" is what the company said, not the author's frame: the content keeps it."""
    text = "In a statement on Monday, the company said it wants to preserve its policy."
    assert [spans_text(text, c.spans) for c in claims_of(nlp, text)] == ["it wants to preserve its policy"]


def test_split_concessive_clause_is_not_dropped(nlp):
    text = (
        "The mayor said the city would probably hold a special election in June, "
        "although two council members disputed that timeline."
    )
    joined = " ".join(spans_text(text, c.spans) for c in claims_of(nlp, text))
    assert "two council members disputed that timeline" in joined


def test_split_which_over_an_of_phrase_means_the_outer_noun(nlp):
    out = texts(
        nlp, "NSO was added to the list of entities, which prevents US companies from exporting products there."
    )
    assert "The list prevents US companies from exporting products there" in out


def test_split_double_period_after_an_abbreviation_is_avoided(nlp):
    out = texts(nlp, "Patriot chose to file in Richmond, Va., where some judges are eager to move large cases.")
    assert not any(t.endswith("..") for t in out), out


def test_split_no_conjunction_left_before_the_final_period(nlp):
    out = texts(nlp, "This week, the president declined to threaten Moscow or even directly declare it responsible.")
    assert not any(t.rstrip(".").endswith((" or", " and")) for t in out), out


# -- no fragment where the larger unit reads (issue 10, proposition granularity) --------------------


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        (
            "Putin has used his invasions as a threat to NATO members, especially the Baltic countries Latvia, "
            "Lithuania and Estonia.",
            "NATO members especially the Baltic countries Latvia, Lithuania and Estonia",
        ),
        (
            "Angelique Brunner, a developer and spokeswoman for the coalition, said many examples are wrong.",
            "Angelique Brunner a developer and spokeswoman for the coalition",
        ),
    ],
)
def test_split_appositive_list_stays_whole(nlp, text, whole):
    out = texts(nlp, text, "proposition")
    assert whole in out and len(out) == 2, out


def test_split_between_list_is_one_relation(nlp):
    out = texts(
        nlp, "He did not expect them to drag up the old spat between Mexico and the United States.", "proposition"
    )
    assert out == ["Them to drag up the old spat between Mexico and the United States"], out


def test_split_bare_noun_left_by_its_cuts_is_no_claim(nlp):
    text = (
        "Aaron Kall, the director of debate at the University of Michigan, compared Trump to a coach "
        "who is working the referees."
    )
    out = texts(nlp, text, "proposition")
    assert "Aaron Kall" not in out and "Aaron Kall compared Trump to a coach who is working the referees" in out


def test_split_period_of_an_abbreviation_is_no_appositive(nlp):
    out = texts(
        nlp,
        "Then someone asked how Clinton could inspire young people the way Sen. Bernie Sanders (Vt.) had.",
        "proposition",
    )
    assert "Sen. Bernie Sanders" not in out, out


@pytest.mark.parametrize("granularity", ["clause", "proposition"])
def test_split_bracket_glued_to_a_colon_keeps_its_partner(nlp, granularity):
    text = "WASHINGTON (AP) — The Latest on the U.S. presidential race (all times EDT):"
    for t in texts(nlp, text, granularity):
        assert t.count("(") == t.count(")"), t


@pytest.mark.parametrize("granularity", ["clause", "proposition"])
def test_split_editors_bracket_stays_with_its_word(nlp, granularity):
    text = "“[W]e are reminded of the refugees around the globe, but still hoping for a brighter tomorrow,” Obama said."
    out = texts(nlp, text, granularity)
    assert out == [
        "[W]e are reminded of the refugees around the globe",
        "[W]e are still hoping for a brighter tomorrow",
    ]


def test_split_noun_frame_under_its_source_is_no_claim(nlp):
    text = "Trump charges that countries that stand to benefit from the deal donated millions of dollars to the foundation."
    assert texts(nlp, text) == [
        "Countries that stand to benefit from the deal donated millions of dollars to the foundation"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "In the end, Patriot agreed to lend Mr. Clarke $5 million.",
        "Axelrod calls on Dean to apologize for his remarks.",
        "Last month, the FBI warned state officials to boost their election security.",
    ],
)
def test_split_frame_that_says_more_keeps_its_complement(nlp, text):
    """A stance frame with more than its source and cue stays a claim; cut from its complement it
    would stop mid-meaning ("In the end, Patriot agreed."), so the larger unit is kept."""
    assert texts(nlp, text) == [text]


def test_split_a_cue_is_not_cut_apart_by_a_stance(nlp):
    """ "refused to say" is one frame (not "refused | to say ..."); its content, a question, stays with it."""
    text = "The mayor refused to say whether the plant was safe."
    assert texts(nlp, text) == [text]


def test_split_clause_on_a_dropped_frame_is_its_own_claim(nlp):
    """The frame "Gowdy said" is no claim; the "because" clause on its verb must not vanish with it."""
    text = "Gowdy said the claim smacked of hypocrisy, because Democrats have questioned the FBI's decisions."
    assert texts(nlp, text) == [
        "The claim smacked of hypocrisy",
        "Democrats have questioned the FBI's decisions",
    ]


def test_split_cut_frame_leaves_the_quotation_its_space(nlp):
    """Cutting ', Clinton said:' keeps the space before the opening mark (no 'CNN“I've')."""
    text = "Then, later that month on CNN, Clinton said: “I've never said we made a mistake.”"
    assert all("CNN“" not in t for t in texts(nlp, text))


def test_split_straight_mark_closes_a_curly_quotation(nlp):
    """Web copy mixes the forms ('“A," he said'): the quotation still ends, and its frame still splits."""
    text = '“Immunity deals should not be a requirement," Chaffetz said, adding that the deals were handed out.'
    assert texts(nlp, text) == ["Immunity deals should not be a requirement", "The deals were handed out"]


def test_split_frame_only_sentence_is_no_claim(nlp):
    """'“...?” Graham asked.' ends the sentence at "?": the frame alone is no claim."""
    text = "“Does anybody know what the platform is?” Graham asked."
    assert texts(nlp, text) == ["“Does anybody know what the platform is?”"]


def test_split_frame_clause_loses_its_when(nlp):
    """A "when" clause on a dropped frame becomes a claim without "when" (a sentence, not a fragment)."""
    text = "When he bought the mine from Patriot, Mr. Clarke said he expected to sell its coal."
    assert texts(nlp, text) == ["He bought the mine from Patriot", "He expected to sell its coal"]


def test_split_content_without_its_subject_stays_whole(nlp):
    """The parser gives "Everything Trump" to "says": cut, the content would read "Is a lie ..."."""
    text = "Everything Trump says is a lie unless proven otherwise."
    assert texts(nlp, text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Cross-selling was a key aspect of the bank's strategy, which the bank detailed in its filings.",
        "The tax code is unfair to workers, whose wages are taxed at higher rates.",
    ],
)
def test_split_object_or_possessive_relative_clause_stays(nlp, text):
    """Only a subject relative makes a sentence with its noun in its place ("An aspect the bank
    detailed" and "Workers whose wages are taxed" would not)."""
    assert texts(nlp, text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Clinton questioned whether Obama was prepared to face emergencies.",
        "She explained how important it is to combat this narrative.",
    ],
)
def test_split_indirect_question_stays_with_its_asker(nlp, text):
    """'Whether Obama was prepared ...' alone is a question without its asker, no claim."""
    assert texts(nlp, text) == [text]


def test_split_conditional_inside_content_is_no_question(nlp):
    text = "He said if elected, he would leave such decisions to military leaders."
    assert texts(nlp, text) == ["If elected, he would leave such decisions to military leaders"]


def test_split_unmarked_conjunct_is_a_parsing_slip(nlp):
    """No "and", no comma: the parser's "conj" here is the evidence's content; a cut would say the opposite."""
    text = "There's no empirical evidence whatsoever this would have any effect on management decisions."
    assert texts(nlp, text) == [text]


def test_split_conjunct_does_not_borrow_a_subject_holding_a_verb(nlp):
    """'people were mistakenly charged fees' parsed as the subject of 'saw': no claim borrows it."""
    text = "In the scandal, people were mistakenly charged fees, saw their credit ratings fall, got credit cards."
    assert texts(nlp, text) == [text]


def test_split_non_factive_clause_on_a_frame_is_not_a_claim(nlp):
    """A "before officials had weighed in" clause says they had not: cut out, it would say they had."""
    text = "Before city officials had weighed in with any explanation, Trump said that it was a bomb."
    assert texts(nlp, text) == ["It was a bomb"]


def test_split_conjunct_does_not_borrow_a_relative_pronoun(nlp):
    text = "Take a family who has its sights on a state university and doesn't qualify for any grants."
    assert not any(t.startswith("Who") for t in texts(nlp, text))


@pytest.mark.parametrize(
    "text",
    [
        "We got married here, had three great kids and built a business.",
        "She needed no more than to resettle nervous Democrats and reinforce their doubts.",
    ],
)
def test_split_conjunct_without_any_subject_stays(nlp, text):
    """Cut, the conjunct would have no subject and read as a command ("Built a business")."""
    assert texts(nlp, text) == [text]


def test_split_interrogative_determiner_makes_an_indirect_question(nlp):
    text = "The judge said the courts have no business deciding what information could be useful to voters."
    assert texts(nlp, text) == ["The courts have no business deciding what information could be useful to voters"]


def test_split_relative_clause_parsed_as_conjunct_stays(nlp):
    text = "The system holds 25 percent of the world's inmates, 40 percent of whom are black."
    assert texts(nlp, text) == [text]


def test_split_conjunct_inside_a_kept_relative_clause_stays(nlp):
    text = "He makes simple blanket statements about people he knows or cares nothing about."
    assert texts(nlp, text) == [text]


def test_split_quotation_keeps_its_closing_mark_after_a_mixed_pair(nlp):
    """'“A," he said, adding ... "like candy."': the straight mark after "A," closes the curly one,
    so the inner quotation still pairs and keeps its closing mark."""
    text = '“Deals are not required," Chaffetz said, adding that the deals were handed out "like candy."'
    assert texts(nlp, text)[-1] == 'The deals were handed out "like candy."'


def test_split_which_never_stands_for_a_person(nlp):
    """A "which" clause the parser hung on a person noun is a slip: no "The executive is streamed"."""
    text = "Dickey, the chief executive of Ora Media, which is also streamed on Hulu, spoke to me on Friday."
    assert not any(t.startswith("The chief executive is") for t in texts(nlp, text))


def test_split_signature_glued_to_the_closing_mark_joins_the_quotation(nlp):
    """'about.”― Pamela Padilla': the tokenizer keeps "”―" whole; the dash still signs the quotation,
    so the name is no claim of its own ("Pamela Padilla") but ends the quotation's claim, as written."""
    text = "“He is ignorant of our culture. He makes statements about people.”― Pamela Padilla"
    claims = claims_of(nlp, text)
    assert [c.text for c in claims] == [
        "“He is ignorant of our culture.",
        "He makes statements about people.”― Pamela Padilla",
    ]
    assert spans_text(text, claims[-1].spans) == claims[-1].text


def test_split_reporting_verb_left_with_only_its_subject_is_no_claim(nlp):
    """'“You winning?” she said, but ...': once the coordinated clause is cut, "She said" is who
    spoke, a frame with nothing said in it."""
    assert texts(nlp, "“You winning?” she said, but Kevin was drifting off again.") == [
        "“You winning?”",
        "Kevin was drifting off again.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "He said before the meeting began that taxes would rise.",
        "''I can't breathe,'' Eric Garner, gasping on a sidewalk, said before he died.",
    ],
)
def test_split_adverbial_clause_parsed_as_content_is_no_claim(nlp, text):
    """A "complement" opened by "before" says when the speaking happened, not what was said: cut
    away it would read "Before he died"."""
    assert not any(t.lower().startswith("before") for t in texts(nlp, text))


def test_split_reporting_conjunct_without_subject_or_content_is_a_frame(nlp):
    """A "..., as Eric Garner ... said before he died" parsed as a conjunct of the quotation's clause:
    split as a conjunct, it would borrow the quotation's subject ("I said before he died"); it is cut
    out as a frame, "before he died" with it."""
    text = (
        "Acts of protest, Mr. Obama said, are acts of patriotism, whether it was sitting at a lunch counter in the"
        " South in the 1960s or wearing a T-shirt emblazoned with the words ''I can't breathe,'' as Eric Garner,"
        " gasping facedown on a sidewalk in Staten Island, said before he died."
    )
    out = texts(nlp, text)
    assert not any(t.startswith(("I said", "Before")) for t in out)
    assert out[0].endswith("gasping facedown on a sidewalk in Staten Island.")


def test_split_reporting_conjunct_after_and_is_a_claim(nlp):
    assert texts(nlp, "The senator voted for the bill and said so on Friday.") == [
        "The senator voted for the bill.",
        "The senator said so on Friday",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "That’s because Trump wants to junk personal exemptions.",
        "That's because the mayor said the bridge was unsafe.",
    ],
)
def test_split_frame_inside_the_predicate_of_be_stays(nlp, text):
    """ "That's because X wants | to ...": the "because" clause is all that "That's" says; cutting the
    frame out of it would leave "That's."."""
    assert texts(nlp, text) == [text]


def test_split_passive_reporting_verb_left_alone_is_a_claim(nlp):
    """A passive "specified" says something of its subject: not a bare frame."""
    text = "Although various parts of the language have formal standards, the language as a whole is not specified."
    assert "The language as a whole is not specified" in texts(nlp, text, "proposition")


@pytest.mark.parametrize(
    "text",
    [
        "But, you know, again, the sniffling, the grandiosity, the delusions.",
        "You know, I love Larry, but he has a history of representing fossil fuel industries.",
    ],
)
def test_split_parenthetical_frame_with_nothing_said_stays_in_its_clause(nlp, text):
    """A parenthetical "you know" is no claim of its own ("You know"): it stays in the clause it interrupts."""
    assert "You know" not in texts(nlp, text)
    assert any("you know" in t.lower() for t in texts(nlp, text))


def test_split_mended_claim_keeps_the_comma_between_its_parts(nlp):
    """A stance complement cut and joined back ("wants | to triple ..."): the comma that stood between
    the two parts is back too, not "the program grow the Peace Corps"."""
    text = "She wants to triple the size of the program, grow the Peace Corps and create a new reserve program."
    assert texts(nlp, text) == [text]


def test_split_quotation_ends_at_its_closing_mark(nlp):
    """'“...,” Tulsa police Chief ... said': "Tulsa", hung on the quoted verb, is the frame's word."""
    text = "“I will just make this promise to you: We will achieve justice in this case,” Tulsa police Chief Chuck Jordan said Monday."
    assert texts(nlp, text) == ["I will just make this promise to you: We will achieve justice in this case"]


def test_split_relative_clause_without_pronoun_stays(nlp):
    """ "tax experts I spoke to this week", parsed as a parataxis: cut, it reads "I spoke to this week"."""
    text = "His views were echoed by a number of tax experts I spoke to this week about her plans."
    assert texts(nlp, text) == [text]


def test_split_clause_set_beside_another_by_a_colon_is_still_cut(nlp):
    out = texts(nlp, "Three things are happening at once: home values are rising and interest rates are low.")
    assert len(out) > 1


def test_split_verb_of_knowing_with_a_question_word_is_a_claim(nlp):
    """ "We know why": the question word stands for what is known, so the residue is no bare frame."""
    assert texts(nlp, "We know why, but the council has not explained it.") == [
        "We know why",
        "The council has not explained it.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Those returns would shed light on how Mr. Trump conducts his business and whether he has paid federal tax.",
        "The system works fine if you are eligible for Medicaid, or if you get enough subsidies.",
    ],
)
def test_split_conjunct_opened_by_its_own_connective_stays(nlp, text):
    """One of a list of subordinate clauses: cut, it would read "Whether he has paid federal tax"."""
    assert texts(nlp, text) == [text]


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Nor is Trump self-funding.", ["Nor is Trump self-funding."]),
        ("He did not pay, nor did he apologize.", ["He did not pay.", "Nor did he apologize"]),
    ],
)
def test_split_nor_stays_with_its_clause(nlp, text, claims):
    """ "Nor" carries the clause's negation: without it "Is Trump self-funding." reads as a question."""
    assert texts(nlp, text) == claims


def test_split_conjunct_opened_by_that_is_still_cut(nlp):
    """ "said A and that B": B is a claim of its own, its "that" left out as always."""
    out = texts(nlp, "The mayor said the bridge was closed and that the road would reopen on Monday.")
    assert out == ["The bridge was closed", "The road would reopen on Monday"]


def test_split_nor_is_not_pasted_into_a_shared_verb_phrase(nlp):
    out = texts(nlp, "Clinton has not been charged with, nor convicted of, any kind of crime.")
    assert not any("been nor" in t for t in out)


def test_split_quoted_clause_before_a_reporting_verb_is_not_a_comma_clause(nlp):
    """'“Why aren't I ahead, you might ask?”': the question is what "you might ask" asks, inside a
    quotation that does not split; cut, it left '... asking “ you might ask?”'."""
    text = "The ad uses footage of Hillary Clinton asking, “Why aren’t I 50 points ahead, you might ask?”"
    assert not any("“ you might ask" in t for t in texts(nlp, text))


def test_split_editor_bracketed_if_clause_stays_with_its_main_clause(nlp):
    """'“[I]f it was left up to Hillary, she ...': the tokenizer splits "[" from "I]f" and the parser
    misses the "if"; read without the brackets, the clause is a condition, not "[I]f it was left up to Hillary"."""
    text = "According to Limbaugh, “[I]f it was left up to Hillary, she wouldn’t have time to say anything positive.”"
    assert texts(nlp, text) == ["“[I]f it was left up to Hillary, she wouldn’t have time to say anything positive.”"]


def test_split_a_reported_statement_inside_a_quotation_keeps_its_own_frame(nlp):
    """'“A, people familiar with the planning told Bloomberg Politics,” Bloomberg reported': a statement,
    not a question, before the inner reporting verb; A is cut from its frame as before, so A keeps its
    own source and the inner frame is a claim of Bloomberg's."""
    text = (
        "“Trump’s aides are lining up sports figures for the convention, people familiar with the planning "
        "told Bloomberg Politics,” Bloomberg reported on Tuesday."
    )
    found = texts(nlp, text)
    assert "Trump’s aides are lining up sports figures for the convention" in found
    assert "People familiar with the planning told Bloomberg Politics" in found


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Economists said that explanation does not hold up.", "That explanation does not hold up"),
        ("Gowdy said that claim smacked of hypocrisy.", "That claim smacked of hypocrisy"),
        ("Calderon noted that immigration from Mexico is in decline.", "Immigration from Mexico is in decline"),
    ],
)
def test_split_a_that_determining_a_pointing_noun_stays(nlp, text, claim):
    """The parser reads "that" before a bare noun as a complementizer; before a noun that points back
    ("explanation", "claim") it is the noun's determiner, and cut away the claim would read "Explanation
    does not hold up". A mass noun ("immigration") is the complementizer's subject."""
    assert claim in texts(nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an idiom, not a report: no "It goes." left behind
        (
            "It goes without saying that raising taxes on the rich is anathema to Republicans.",
            ["It goes without saying that raising taxes on the rich is anathema to Republicans."],
        ),
        # the relative pronoun before the frame stays with it: no "Which to do ..."
        (
            "She needs to raise revenue, which she plans to do primarily through a tax increase on the rich.",
            ["She needs to raise revenue, which she plans to do primarily through a tax increase on the rich."],
        ),
    ],
)
def test_split_no_fragment_from_an_idiom_or_a_fronted_relative(nlp, text, expected):
    assert texts(nlp, text) == expected


def test_split_a_clitic_stays_on_the_noun_that_replaced_its_pronoun(nlp):
    text = "It is a major issue, with Hillary Clinton — who’s called for big tax hikes on the rich — lambasting Trump’s plan."
    assert any(t.startswith("Hillary Clinton’s called for big tax hikes") for t in texts(nlp, text))


def test_split_an_alternative_under_negation_stays_with_its_negation(nlp):
    """ "has not taken me up on my offer or made a counteroffer" says he did neither: cut away, the
    conjunct would claim the opposite ("Mr. Trump made a counteroffer"). Without negation, "or" lists
    still split."""
    negated = "So far, Mr. Trump has not taken me up on my offer or, as might be expected, made a counteroffer."
    assert texts(nlp, negated) == [negated]
    assert "He did not pay taxes or file returns." in texts(nlp, "He did not pay taxes or file returns.")


def test_split_a_naming_participle_is_no_frame(nlp):
    """The parser hangs "called" on "letter" ("the letter called Oz a quack"): as a stance frame its cue
    vanished from every claim and left "One of the docs who sent the letter."; and "a film called 13th"
    names a film."""
    text = "One of the docs who sent the letter called Oz a quack, fake and charlatan."
    assert texts(nlp, text) == [text]


def test_split_a_quantity_noun_takes_its_of_phrase_into_a_relative_claim(nlp):
    """ "a total of 10 numbers, which would fit on a single page": the relative claim names what it
    counts ("A total would fit on a single page" said nothing)."""
    found = texts(nlp, "That's a total of 10 numbers, which would fit on a single page.")
    assert "A total of 10 numbers would fit on a single page" in found


def test_split_a_because_conjunct_after_not_only_stays(nlp):
    """ "... - and not only because his appointment would make history": "Not only because ..." alone
    is a bare subordinate clause."""
    text = "Observers say Scott deserves the right of first refusal - and not only because his appointment would make history."
    assert not any(t.startswith("Not only because") for t in texts(nlp, text))
