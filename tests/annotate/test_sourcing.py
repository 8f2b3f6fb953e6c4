"""Rule-based sourcing on small sentences: attribution, source, cue, quotes, hedges, dispute status."""

import pytest

from claimkit.annotate.frames import quoted_tokens, speaker_label
from claimkit.annotate.schema import default_schema
from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_and_label
from claimkit.annotate.types import Article, spans_text


@pytest.fixture(scope="module")
def rules(nlp):
    return RulePredictor(nlp)


def labelled(nlp, rules, text):
    (item,) = split_and_label([Article("t", text)], nlp, "clause", rules)
    return item.claims


def only(nlp, rules, text):
    claims = labelled(nlp, rules, text)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0].labels


def test_sourcing_reporting_verb_gives_source_and_cue(nlp, rules):
    text = "NSO has said its tool cannot be used to target U.S. phone numbers."
    labels = only(nlp, rules, text)
    assert labels["attribution"].value == "attributed"
    assert labels["source"].value == "NSO" and spans_text(text, labels["source"].spans) == "NSO"
    assert labels["cue"].value == "has said"


def test_sourcing_according_to(nlp, rules):
    text = "The bridge carries 40,000 vehicles a day, according to the transportation department."
    labels = only(nlp, rules, text)
    assert labels["attribution"].value == "attributed"
    assert labels["source"].value == "the transportation department"
    assert labels["cue"].value == "according to"
    assert labels["source_type"].value == "government"


def test_sourcing_plain_statement_is_asserted(nlp, rules):
    labels = only(nlp, rules, "The bridge carries about 40,000 vehicles a day.")
    assert labels["attribution"].value == "asserted"
    assert labels["source"].value is None and labels["hedged"].value == "no"


@pytest.mark.parametrize(
    "text",
    [
        "“We will not reopen the bridge,” the engineer told reporters, “until it is safe.”",
        '"We will not reopen the bridge until it is safe," said Maria Keller.',
        "''We will not reopen the bridge until it is safe,'' said Maria Keller.",
        "Keller: ‘We Will Not Reopen the Bridge Until It Is Safe’",
    ],
    ids=["curly", "straight", "nyt-doubled", "headline-single"],
)
def test_sourcing_quotes_in_four_conventions(nlp, rules, text):
    claims = labelled(nlp, rules, text)
    reopen = [c for c in claims if "reopen" in c.text.lower()]
    assert reopen and all(c.labels["attribution"].value == "attributed" for c in reopen)


def test_sourcing_apostrophe_is_not_a_quote(nlp):
    doc = nlp("The group’s tool can’t target phones, and Bezos’ phone was hacked.")
    assert quoted_tokens(doc) == set()


def test_sourcing_unclosed_quote_runs_to_paragraph_end(nlp):
    doc = nlp("He said: “The first part. The second part")
    assert {t.text for t in doc if t.i in quoted_tokens(doc)} >= {"first", "second"}


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("Journalists in Mexico have reportedly been targeted with the tool.", "reportedly"),
        ("The FBI is said to have investigated the company.", "is said to"),
        ("It probably concerns American affairs outside its borders.", "probably"),
        ("Repairs could cost as much as $12 million.", "could"),
        ("Spyware was almost certainly installed on the phones.", "almost certainly"),
    ],
)
def test_sourcing_hedges(nlp, rules, text, hedge):
    labels = only(nlp, rules, text)
    assert labels["hedged"].value == "yes"
    assert hedge in spans_text(text, labels["hedged"].spans).lower()


def test_sourcing_reportedly_and_said_to_attribute_without_source(nlp, rules):
    for text in ("Journalists have reportedly been targeted.", "The FBI is said to have investigated the company."):
        labels = only(nlp, rules, text)
        assert labels["attribution"].value == "attributed"
        assert labels["source"].value is None
        assert labels["source_type"].value == "anonymous"


def test_sourcing_not_disputed_marks_previous_claim_undisputed(nlp, rules):
    claims = labelled(
        nlp, rules, "NSO has said its tool cannot target U.S. numbers, and the department has not disputed this fact."
    )
    assert [c.labels["status"].value for c in claims] == ["undisputed", "not_addressed"]
    assert claims[1].labels["attribution"].value == "asserted"


def test_sourcing_denied_that_is_disputed(nlp, rules):
    labels = only(nlp, rules, "Delmar Steel denied that its crews had skipped any inspection.")
    assert labels["attribution"].value == "attributed"
    assert labels["status"].value == "disputed"
    assert labels["source"].value == "Delmar Steel"


def test_sourcing_confirmed_that_is_corroborated(nlp, rules):
    labels = only(nlp, rules, "Officials confirmed on Friday that federal funds would cover most of the cost.")
    assert labels["status"].value == "corroborated"


def test_sourcing_question_is_flagged_not_a_claim(nlp, rules):
    labels = only(nlp, rules, "Will the bridge reopen in June?")
    assert labels["not_a_claim"].value is True


def test_sourcing_every_schema_field_has_a_scored_value(nlp, rules):
    schema = default_schema()
    for claim in labelled(nlp, rules, "The council, which met on Monday, said the bridge is unsafe. It will close."):
        assert set(claim.labels) == set(schema.names)
        for name, label in claim.labels.items():
            assert 0.0 <= label.score <= 1.0
            if label.value is not None and schema[name].kind == "choice":
                schema[name].check_value(label.value)


def test_sourcing_predict_relabels_claims_from_elsewhere(nlp, rules):
    text = "NSO has said its tool cannot target U.S. numbers."
    (bare,) = split_and_label([Article("t", text)], nlp, "clause", None)
    (again,) = rules.predict([bare])
    assert again.claims[0].labels["attribution"].value == "attributed"
    assert again.claims[0].id == bare.claims[0].id


def test_sourcing_refuses_a_schema_without_its_values(nlp):
    from claimkit.annotate.errors import SchemaError
    from claimkit.annotate.schema import Schema

    raw = default_schema().to_dict()
    status = next(f for f in raw["fields"] if f["name"] == "status")
    status["values"] = [v for v in status["values"] if v["value"] != "undisputed"]
    with pytest.raises(SchemaError, match="'undisputed' is not a value of schema field 'status'"):
        RulePredictor(nlp, Schema.from_dict(raw))


# -- dispute status across the article, resolution, source type (annotate.status, annotate.resolution) --


def _claim(claims, fragment):
    found = [c for c in claims if fragment in c.text]
    assert found, [c.text for c in claims]
    return found[0]


def test_status_a_denied_claim_stays_disputed_when_the_denial_goes_undisputed(nlp, rules):
    text = (
        "Delmar Steel denied that its crews had skipped any inspection, "
        "and the department has not disputed that account."
    )
    claim = _claim(labelled(nlp, rules, text), "crews had skipped")
    assert claim.labels["status"].value == "disputed"
    assert "denied" in spans_text(text, claim.labels["status"].spans)


def test_status_a_later_denial_of_the_report_disputes_it(nlp, rules):
    text = "The Financial Times reported that the company missed its financial targets. The company denied the report."
    claim = _claim(labelled(nlp, rules, text), "missed its financial targets")
    assert claim.labels["status"].value == "disputed"
    assert "The company denied" in spans_text(text, claim.labels["status"].spans)


def test_status_not_disputing_that_is_undisputed(nlp, rules):
    text = "Officials said the bridge carries 40,000 vehicles a day. The company did not dispute that."
    claim = _claim(labelled(nlp, rules, text), "40,000 vehicles")
    assert claim.labels["status"].value == "undisputed"


def test_status_the_articles_false_claim_contradicts(nlp, rules):
    text = "Trump repeated the false claim that he opposed the invasion from the start."
    claim = _claim(labelled(nlp, rules, text), "opposed the invasion")
    assert claim.labels["status"].value == "contradicted"


def test_status_plain_claims_stay_not_addressed(nlp, rules):
    for claim in labelled(nlp, rules, "The bridge carries 40,000 vehicles a day. Trucks use River Road."):
        assert claim.labels["status"].value == "not_addressed" and claim.labels["status"].spans == ()


def test_source_pronoun_resolves_to_the_person_named_before(nlp, rules):
    text = (
        "“We will not reopen the bridge,” said Maria Keller, the department’s chief engineer. "
        "She added that repairs could cost as much as $12 million."
    )
    claim = _claim(labelled(nlp, rules, text), "epairs could cost")
    assert claim.labels["source"].value == "She"
    assert spans_text(text, claim.labels["source_type"].spans) == "Maria Keller"
    assert claim.labels["source_type"].value == "person"


@pytest.mark.parametrize(
    ("text", "fragment", "kind"),
    [
        ("Delmar Steel denied that its crews had skipped any inspection.", "crews", "organization"),
        ("Council president Ana Ruiz said the vote would be held in June.", "vote", "person"),
        ("The Trump campaign said the rally would go ahead.", "rally", "organization"),
        ("The state transportation department said the bridge would stay closed.", "bridge", "government"),
    ],
)
def test_source_types(nlp, rules, text, fragment, kind):
    assert _claim(labelled(nlp, rules, text), fragment).labels["source_type"].value == kind


def test_source_speech_act_claim_is_attributed_to_its_subject(nlp, rules):
    text = "News Corporation denied the reports."
    labels = only(nlp, rules, text)
    assert labels["attribution"].value == "attributed"
    assert labels["source"].value == "News Corporation"
    assert labels["cue"].value == "denied"


def test_source_speech_act_passive_takes_the_agent(nlp, rules):
    text = "Her death was confirmed by the Eagle Forum."
    labels = only(nlp, rules, text)
    assert labels["source"].value == "the Eagle Forum"


def test_source_speech_act_stance_phrase(nlp, rules):
    text = "The mayor made it clear that the bridge would stay closed."
    claims = labelled(nlp, rules, text)
    assert any(c.labels["source"].value == "The mayor" for c in claims), [c.labels["source"].value for c in claims]


def test_source_plain_narrative_claim_stays_asserted(nlp, rules):
    labels = only(nlp, rules, "The bridge reopened on Monday after three weeks of repairs.")
    assert labels["attribution"].value == "asserted"


def test_source_as_x_reported_attributes_the_clause(nlp, rules):
    text = "As The Times reported on Saturday, the company has already hired a new chief executive."
    claim = _claim(labelled(nlp, rules, text), "new chief executive")
    assert claim.labels["attribution"].value == "attributed"
    assert claim.labels["source"].value == "The Times"


def test_source_pronoun_agrees_in_gender(nlp, rules):
    text = "Maria Keller met Tom Reyes on Monday. She said that repairs could cost as much as $12 million."
    claim = _claim(labelled(nlp, rules, text), "epairs could cost")
    assert spans_text(text, claim.labels["source_type"].spans) == "Maria Keller"


def test_source_role_noun_takes_the_most_recent_subject(nlp, rules):
    text = (
        "Donald Trump spoke in Ohio, and Jeb Bush spoke in Iowa. Trump met the donors on Monday. "
        "Later the candidate said that the deal was a disaster."
    )
    claim = _claim(labelled(nlp, rules, text), "deal was a disaster")
    assert spans_text(text, claim.labels["source_type"].spans).endswith("Trump")


def test_source_never_runs_past_its_cue(nlp, rules):
    """The parser hangs "a claim that ..." on the subject as an appositive; the source stops at the cue,
    and the relative clause ("that his office disputes") is a verdict on the content, not its own claim."""
    text = "Podliska said he was fired for taking time off to fulfill his military duties, a claim that Gowdy's office strongly disputes."
    claim = _claim(labelled(nlp, rules, text), "was fired")
    assert claim.labels["source"].value == "Podliska"
    assert claim.labels["status"].value == "disputed"


def test_source_relative_pronoun_resolves_to_its_antecedent(nlp, rules):
    text = "They turned to the Chicago Police Department, which said 2,521 shootings happened."
    claim = _claim(labelled(nlp, rules, text), "2,521")
    assert claim.labels["source"].value == "which"  # PolNeAR marks the relative pronoun as the source
    assert spans_text(text, claim.labels["source_type"].spans) == "Chicago Police Department"
    assert claim.labels["source_type"].value == "government"


def test_source_said_with_a_colon_introduces_the_quotation(nlp, rules):
    text = (
        "Regarding the exchanges, the campaign said in a statement: “Neither of these emails involve the secretary. "
        "They are communications between aides.”"
    )
    for fragment in ("Neither", "communications"):
        claim = _claim(labelled(nlp, rules, text), fragment)
        assert claim.labels["source"].value == "the campaign", fragment
        assert claim.labels["cue"].value == "said in a statement:"  # PolNeAR keeps the colon in the cue


def test_status_a_denial_addresses_the_earlier_report_in_the_same_words(nlp, rules):
    text = (
        "BuzzFeed reported that Lewandowski was working on a book. "
        "Lewandowski, who did not respond to a request for comment, has denied that he was working on a book."
    )
    report = _claim(labelled(nlp, rules, text), "Lewandowski was working")
    assert report.labels["source"].value == "BuzzFeed"
    assert report.labels["status"].value == "disputed"


def test_status_concessive_dispute_addresses_the_clause_before_it(nlp, rules):
    text = "The embassy moved to the city in May, although the government disputes this."
    claim = _claim(labelled(nlp, rules, text), "embassy moved")
    assert claim.labels["status"].value == "disputed"


def test_source_generic_noun_finds_a_name_holding_it_far_back(nlp, rules):
    filler = "\n\n".join(f"Paragraph {i} talks about the weather in the valley." for i in range(9))
    text = f"The Supreme Court heard the case in March.\n\n{filler}\n\nThe court said the law would stand."
    claim = _claim(labelled(nlp, rules, text), "law would stand")
    assert spans_text(text, claim.labels["source_type"].spans) == "Supreme Court"


def test_status_to_be_clear_corrects_the_claim_before(nlp, rules):
    text = "Trump told supporters the election would be held on Nov. 28. To be clear, the election is Nov. 8."
    claim = _claim(labelled(nlp, rules, text), "Nov. 28")
    assert claim.labels["status"].value == "contradicted"


def test_source_signature_after_a_quotation(nlp, rules):
    """Reader comments signed "― Name" (PolNeAR marks the dash as the cue, the name as the source)."""
    text = "“He represents our greatest shame.” ― Sonya Herridge\n“He is a bully.” ― Carlos Raúl"
    claims = labelled(nlp, rules, text)
    assert [c.text for c in claims] == [
        "“He represents our greatest shame.” ― Sonya Herridge",
        "“He is a bully.” ― Carlos Raúl",
    ]
    assert [c.labels["source"].value for c in claims] == ["Sonya Herridge", "Carlos Raúl"]
    assert {c.labels["cue"].value for c in claims} == {"―"}


def test_status_denying_the_report_addresses_every_claim_of_it(nlp, rules):
    text = (
        "The Financial Times reported that BuzzFeed missed its financial targets last year and was revising "
        "this year's projections downward. BuzzFeed denied the report."
    )
    claims = labelled(nlp, rules, text)
    for fragment in ("missed its financial targets", "revising"):
        assert _claim(claims, fragment).labels["status"].value == "disputed", fragment


@pytest.mark.parametrize(
    ("text", "fragment", "cue"),
    [
        # adverbs between the auxiliary and the verb, or right before it, are part of the cue
        ("The senator has also said the bill would raise taxes.", "raise taxes", "has also said"),
        ("Trump repeatedly claimed the election was rigged.", "rigged", "repeatedly claimed"),
        # a colon that opens the quotation
        ('The governor said: "We will not raise taxes."', "raise taxes", "said:"),
        # "in a statement" right after the verb is kept; a fronted one is not
        ("The company said in a statement that the plant was safe.", "plant was safe", "said in a statement"),
        ("In a statement, the company said the plant was safe.", "plant was safe", "said"),
        ("In an interview, the mayor said the plant was safe.", "plant was safe", "said"),
        # the verb an infinitive hangs on
        ("The mayor refused to say whether the plant was safe.", "plant was safe", "refused to say"),
    ],
)
def test_cue_boundaries_follow_polnear(nlp, rules, text, fragment, cue):
    """PolNeAR's cue boundaries, measured on its train split (``annotate.frames.cue_tokens``)."""
    claim = _claim(labelled(nlp, rules, text), fragment)
    assert claim.labels["cue"].value == cue


def test_cue_takes_the_preposition_of_its_content(nlp, rules):
    text = "The union called for an end to the strike."
    labels = only(nlp, rules, text)
    assert labels["cue"].value == "called for"


def test_quoted_first_person_frame_gives_the_speaker(nlp, rules):
    """“I think A,” Smith said: the quoted words are Smith's, so Smith is the source, not "I"."""
    text = '"I think the plan will fail," Smith said.'
    claim = _claim(labelled(nlp, rules, text), "plan will fail")
    assert claim.labels["attribution"].value == "attributed"
    assert claim.labels["source"].value == "Smith"


def test_generic_source_resolves_to_an_entity_of_its_kind(nlp, rules):
    """ "the senator" wants a person: "Texas" in "the Texas senator" holds the noun but is a place."""
    text = "Ted Cruz, the Texas senator, toured Iowa on Monday. The senator said taxes would fall."
    claim = _claim(labelled(nlp, rules, text), "axes would fall")
    assert spans_text(text, claim.labels["source_type"].spans) == "Ted Cruz"
    assert claim.labels["source_type"].value == "person"


def test_reporting_noun_as_object_takes_the_verbs_subject_as_source(nlp, rules):
    """ "A report found no evidence that A": the noun frame's source is who found it, not nobody."""
    text = (
        'A 2014 House Intelligence Committee report found "no evidence that there was either a stand down '
        'order or a denial of available air support."'
    )
    labels = only(nlp, rules, text)
    assert labels["attribution"].value == "attributed"
    assert labels["source"].value == "A 2014 House Intelligence Committee report"


def test_status_a_plural_anaphor_answers_everything_its_source_alleged(nlp, rules):
    """ "Trump denied the accusations" disputes what O'Donnell alleged over several sentences, each with
    a frame of its own, not only the nearest one."""
    text = (
        "O'Donnell, who said in an interview that he signed nothing, recalled that Trump sent a lawyer "
        "to his office who threatened him.\n\n"
        '"He did try to intimidate me," said O\'Donnell, who wrote about the visit in the book.\n\n'
        "Trump denied the accusations through a spokeswoman."
    )
    claims = labelled(nlp, rules, text)
    assert _claim(claims, "sent a lawyer").labels["status"].value == "disputed"
    assert _claim(claims, "intimidate").labels["status"].value == "disputed"


def test_status_something_he_denied_sums_up_the_clause_before_it(nlp, rules):
    text = (
        "Some of his colleagues thought Mr. Hannity was behaving as if he wanted a role in a possible "
        "Trump administration, something he denied to me as laughable."
    )
    claim = _claim(labelled(nlp, rules, text), "wanted a role")
    assert claim.labels["status"].value == "disputed"


@pytest.mark.parametrize("opening", ["", '"'])
def test_source_transcript_turn_is_its_speakers(nlp, rules, opening):
    """'PENCE: ...' (also quoted whole, as Breitbart prints transcripts): the label is the source, the
    colon the cue, of every claim of the turn; the label alone is no claim, it opens the first one."""
    text = f"Pence spoke on Fox.\n\n{opening}MR. PENCE: Well, the question is why she was there. I think you said it was late.\n"
    claims = labelled(nlp, rules, text)
    assert [c.text for c in claims][1].startswith(f"{opening}MR. PENCE: ")
    assert not any(c.text.strip('"') == "MR. PENCE" for c in claims)
    for claim in claims[1:]:
        assert claim.labels["attribution"].value == "attributed", claim.text
        assert claim.labels["source"].value == "MR. PENCE" and claim.labels["cue"].value == ":"
    assert claims[0].labels["attribution"].value == "asserted"


@pytest.mark.parametrize(
    "line, label",
    [
        ("GRAHAM: Trump is wrong.", "GRAHAM"),
        ("MR. TRUMP: No, it is not.", "MR. TRUMP"),
        ("Graham: Trump is wrong.", None),  # title case: mostly a headline
        ("I: no.", None),
        ("NEWS FROM THE CITY TODAY: it rained.", None),  # five words: not a name
    ],
)
def test_source_speaker_label_is_a_short_capitalised_name(nlp, line, label):
    doc = nlp(line)
    colon = speaker_label(list(doc))
    assert (None if colon is None else doc[: colon.i].text) == label


@pytest.mark.parametrize(
    "text, source",
    [
        ("Oz was criticized for saying green coffee extract was a magic cure.", "Oz"),
        ("Trump apologized for saying the judge was biased.", "Trump"),
        ("The senator blasted Smith for saying the tax was fair.", "Smith"),
    ],
)
def test_source_of_a_gerund_after_a_preposition(nlp, rules, text, source):
    """'criticized for saying A': the sayer is the governing verb's subject, or its object when it has one."""
    claim = _claim(labelled(nlp, rules, text), text.split("saying ")[1][:12].capitalize())
    assert claim.labels["attribution"].value == "attributed" and claim.labels["source"].value == source


def test_source_signature_ending_a_quoted_paragraph_covers_each_sentence(nlp, rules):
    text = "“Trump must stop portraying Latinos as dangerous. Most of us are hard-working.” ― Carla Sanchez\n"
    claims = labelled(nlp, rules, text)
    assert len(claims) == 2
    assert [c.labels["source"].value for c in claims] == ["Carla Sanchez", "Carla Sanchez"]


def test_source_raised_concerns_is_a_speech_act(nlp, rules):
    claims = labelled(nlp, rules, "The inspector raised concerns that the bridge was unsafe.")
    assert any(c.labels["source"].value == "The inspector" for c in claims), [c.text for c in claims]


@pytest.mark.parametrize(
    "text, cue",
    [
        ("Officials confirmed on Friday that federal funds would cover the cost.", "confirmed"),
        ("The mayor called for an inquiry into the collapse.", "called for"),
    ],
)
def test_cue_takes_a_preposition_of_content_not_of_time(nlp, rules, text, cue):
    claims = labelled(nlp, rules, text)
    assert any(c.labels["cue"].value == cue for c in claims), [(c.text, c.labels["cue"].value) for c in claims]


def test_cited_reports_are_the_source_of_what_they_say(nlp, rules):
    """Citing reports that A: the reports say A (a document); the citer only points to them."""
    text = "The department blacklisted NSO, citing reports that its spyware is used against journalists."
    claim = _claim(labelled(nlp, rules, text), "spyware is used")
    assert claim.labels["source"].value == "reports"
    assert claim.labels["cue"].value == "citing"
    assert claim.labels["source_type"].value == "document"


@pytest.mark.parametrize("dash", ["―", "—", "-"])
def test_signature_after_any_spaced_dash_is_the_source(nlp, rules, dash):
    """The splitter signs a quotation with a "- Name" line as with "― Name"; the source follows it."""
    text = f"“The tax code is rigged against working people.” {dash} Carla Sanchez"
    claim = _claim(labelled(nlp, rules, text), "tax code is rigged")
    assert claim.labels["source"].value == "Carla Sanchez"


def test_hyphen_inside_a_word_is_no_signature_dash(nlp):
    from claimkit.annotate.frames import signature_dash

    doc = nlp("She is pro-Trump - Carla Sanchez")
    hyphens = [t for t in doc if t.text == "-"]
    assert [signature_dash(t) for t in hyphens] == [False, True]


@pytest.mark.parametrize("text", ["Let's say the plan works.", "Let us say the plan works."])
def test_sourcing_lets_say_is_a_supposition_not_a_report(nlp, rules, text):
    """The writer supposes: no source "'s" or "us", and the sentence stays one asserted claim."""
    labels = only(nlp, rules, text)
    assert labels["attribution"].value == "asserted" and labels["source"].value is None


def test_sourcing_a_dateline_is_not_part_of_the_source(nlp, rules):
    text = "WASHINGTON -- President Obama, dedicating the museum on Saturday, said it would tell an American story."
    labels = only(nlp, rules, text)
    assert labels["source"].value == "President Obama" and labels["source_type"].value == "person"


def test_sourcing_a_name_the_parser_took_for_an_adverb_is_the_source(nlp, rules):
    """ "Reilly said": the parser reads the -ly name as an adverb; it is still who said it."""
    labels = only(nlp, rules, "Reilly said the update had been tested for weeks.")
    assert labels["source"].value == "Reilly" and labels["source_type"].value == "person"


def test_sourcing_a_source_granted_anonymity_is_anonymous(nlp, rules):
    text = (
        "Two pilots, who spoke on condition of anonymity because they were not authorized to talk to "
        "reporters, said the system had failed twice before."
    )
    claims = labelled(nlp, rules, text)
    claim = _claim(claims, "failed twice")
    assert claim.labels["source_type"].value == "anonymous"
