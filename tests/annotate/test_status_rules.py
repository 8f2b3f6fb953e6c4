"""Dispute-status rules of annotate.status on short made-up articles: fact-check verdicts in the
author's voice, ratings, nominalised events and restatements, each with a case that must stay
not addressed (a wrong verdict is worse than none)."""

import pytest

from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_and_label
from claimkit.annotate.status_cues import status_cues
from claimkit.annotate.status_types import CONTRADICTED, DISPUTED, Verdict
from claimkit.annotate.types import Article, spans_text


@pytest.fixture(scope="module")
def rules(nlp):
    return RulePredictor(nlp)


def _status(nlp, rules, text: str, fragment: str) -> tuple[str, str]:
    """The status of the claim holding ``fragment`` and the text of its evidence spans."""
    (item,) = split_and_label([Article("t", text)], nlp, "clause", rules)
    found = [c for c in item.claims if fragment in c.text]
    assert found, [c.text for c in item.claims]
    label = found[0].labels["status"]
    return label.value, spans_text(text, label.spans) if label.spans else ""


def test_status_cues_load_from_the_cue_file():
    cues = status_cues()
    assert "die" in cues.event_nouns["death"]
    assert {"outdated", "exaggerate"} <= cues.verdict_words
    assert "pinocchios" in cues.rating_nouns


def test_a_claims_own_verdict_wins_then_the_stronger_then_the_first_given():
    assert Verdict(DISPUTED, 0.75, own=True).beats(Verdict(CONTRADICTED, 0.6))
    assert not Verdict(CONTRADICTED, 0.6).beats(Verdict(DISPUTED, 0.75, own=True))
    assert Verdict(CONTRADICTED, 0.55).beats(Verdict(DISPUTED, 0.65))
    assert not Verdict(DISPUTED, 0.65).beats(Verdict(DISPUTED, 0.6))


def test_a_that_clause_after_a_by_phrase_is_the_disputed_accusation(nlp, rules):
    text = (
        "The dean published a letter strongly disputing accusations by the oil company that reporters "
        "from the school had produced misleading articles."
    )
    assert _status(nlp, rules, text, "had produced misleading articles")[0] == "disputed"


def test_a_confirmed_event_noun_corroborates_the_claim_that_reported_the_event(nlp, rules):
    text = "Mary Jones, who founded the league in 1975, died on Monday. She was 92.\n\nHer death was confirmed by the league."
    value, evidence = _status(nlp, rules, text, "died on Monday")
    assert value == "corroborated" and "confirmed" in evidence
    assert _status(nlp, rules, text, "She was 92")[0] == "not_addressed"


def test_an_event_noun_needs_the_claim_verb_it_nominalises(nlp, rules):
    text = "Mary Jones sold the farm on Monday.\n\nHer death was confirmed by the league."
    assert _status(nlp, rules, text, "sold the farm")[0] == "not_addressed"


def test_a_confirmation_retelling_the_sentence_before_corroborates_it(nlp, rules):
    text = (
        "Smith also is set to huddle privately with key Republican lawmakers. His campaign confirmed "
        "that Smith would be meeting with top Republican officials."
    )
    assert _status(nlp, rules, text, "huddle privately")[0] == "corroborated"


def test_a_confirmation_about_someone_else_leaves_the_sentence_before_alone(nlp, rules):
    text = (
        "Smith also is set to huddle privately with key Republican lawmakers. His campaign confirmed "
        "that Jones would be meeting with top Republican officials."
    )
    assert _status(nlp, rules, text, "huddle privately")[0] == "not_addressed"


def test_the_fact_check_ruling_after_the_dash_line_contradicts_the_quote(nlp, rules):
    text = (
        '"Almost all new income and wealth is going to the top 1 percent."\n\n'
        "- Bernie Sanders.\n\n"
        "The senator is relying on an outdated statistic. The numbers changed over the summer."
    )
    value, evidence = _status(nlp, rules, text, "top 1 percent")
    assert value == "contradicted" and evidence == "outdated"


def test_a_fact_check_ruling_without_a_verdict_word_says_nothing(nlp, rules):
    text = (
        '"Almost all new income and wealth is going to the top 1 percent."\n\n'
        "- Bernie Sanders.\n\n"
        "The senator has made this point in every debate. He repeated it on Thursday."
    )
    assert _status(nlp, rules, text, "top 1 percent")[0] == "not_addressed"


def test_an_elliptic_negation_after_a_quote_contradicts_it(nlp, rules):
    text = '"Ford is going to cancel its plant in Mexico," Trump said last month.\n\nIt didn\'t.'
    value, evidence = _status(nlp, rules, text, "cancel its plant")
    assert value == "contradicted" and evidence == "It didn't"


def test_a_negated_sentence_with_a_verb_is_no_elliptic_negation(nlp, rules):
    text = '"Ford is going to cancel its plant in Mexico," Trump said last month.\n\nIt did not say when.'
    assert _status(nlp, rules, text, "cancel its plant")[0] == "not_addressed"


def test_wrong_in_his_claim_about_names_the_claim_by_its_words(nlp, rules):
    text = (
        '"Ford is going to cancel its plant in Mexico," Trump said in October.\n\n'
        "Voters cheered at the rally.\n\n"
        "The race went on.\n\n"
        "Trump was wrong in his claim about Ford canceling its plant in Mexico."
    )
    value, evidence = _status(nlp, rules, text, "cancel its plant")
    assert value == "contradicted" and "wrong" in evidence


def test_a_claim_about_something_else_is_not_named(nlp, rules):
    text = (
        '"Ford is going to cancel its plant in Mexico," Trump said in October.\n\n'
        "Voters cheered at the rally.\n\n"
        "The race went on.\n\n"
        "Trump was wrong in his claim about the size of the crowd in Iowa."
    )
    assert _status(nlp, rules, text, "cancel its plant")[0] == "not_addressed"


def test_pinocchios_contradict_the_receivers_claim(nlp, rules):
    text = (
        '"I had no involvement with the company," Carson said.\n\n'
        "The crowd booed.\n\n"
        "The Fact Checker gave Carson two Pinocchios for dismissing his ties to the firm."
    )
    value, evidence = _status(nlp, rules, text, "no involvement")
    assert value == "contradicted" and "Pinocchios" in evidence


def test_pinocchios_not_awarded_say_nothing(nlp, rules):
    text = (
        '"I had no involvement with the company," Carson said.\n\n'
        "As is our practice, we do not award Pinocchios when we review assertions in debates."
    )
    assert _status(nlp, rules, text, "no involvement")[0] == "not_addressed"


def test_a_quoted_rating_is_the_checkers_verdict_on_the_earlier_claim(nlp, rules):
    text = (
        '"African-American youth is an example: 59 percent unemployment rate," Trump said.\n\n'
        'PolitiFact said Trump exaggerates and concluded his comments were "Mostly False."'
    )
    assert _status(nlp, rules, text, "59 percent")[0] == "contradicted"
    assert _status(nlp, rules, text, "Trump exaggerates")[0] == "not_addressed"


def test_a_short_quoted_denial_is_still_the_speakers_dispute(nlp, rules):
    text = (
        "Rubio said that Cruz is in favor of legalizing illegal immigrants. Cruz spokeswoman Catherine "
        'Frazier said that claim is "simply not true."'
    )
    assert _status(nlp, rules, text, "legalizing")[0] == "disputed"


def test_an_emphatic_do_contradicts_the_negative_claim_about_the_same_act(nlp, rules):
    text = (
        '"Boeing and GE and other multinationals pay zero taxes."\n\n'
        "- Sanders.\n\n"
        "This is a complex issue. But these companies do pay all sorts of other taxes."
    )
    value, evidence = _status(nlp, rules, text, "zero taxes")
    assert value == "contradicted" and evidence == "do pay"


def test_an_emphatic_do_leaves_a_positive_claim_alone(nlp, rules):
    text = '"Boeing and GE pay taxes in Ohio," the governor said.\n\nThe companies do pay taxes in Ohio.'
    assert _status(nlp, rules, text, "GE pay taxes in Ohio")[0] == "not_addressed"


def test_an_elliptic_negation_answers_only_the_sentence_right_before(nlp, rules):
    text = (
        "Eric Holder announced his resignation in September. I waited to see if Obama would appoint "
        "Preet Bharara to the job. He did not."
    )
    assert _status(nlp, rules, text, "announced his resignation")[0] == "not_addressed"


def test_a_falsity_word_in_a_condition_is_no_verdict(nlp, rules):
    text = (
        "An FBI official said that Guccifer had admitted to a federal crime on camera, and she asked why "
        "he would do so if it wasn't true."
    )
    assert _status(nlp, rules, text, "admitted to a federal crime")[0] == "not_addressed"


def test_denying_someone_a_victory_is_no_verdict_on_the_win(nlp, rules):
    text = "The coalition won 137 of the 138 seats on the council. But the government denied his party the victory."
    assert _status(nlp, rules, text, "won 137")[0] == "not_addressed"


def test_no_evidence_that_a_contradicts_a_in_the_authors_voice(nlp, rules):
    text = "There is no evidence that the plagiarism allegations originated with the rival campaign."
    value, evidence = _status(nlp, rules, text, "originated with the rival campaign")
    assert value == "contradicted" and evidence == "no evidence"


def test_no_evidence_in_a_sources_words_is_left_to_the_verb_rules(nlp, rules):
    text = "The campaign said there was no evidence that its staff had spread the allegations."
    assert _status(nlp, rules, text, "spread the allegations")[0] == "not_addressed"


def test_no_evidence_is_never_a_verdict_on_the_claim_that_says_it(nlp, rules):
    text = "He offered no proof that Clinton had a role in Machado's citizenship."
    (item,) = split_and_label([Article("t", text)], nlp, "clause", rules)
    for claim in item.claims:
        if "no proof" in claim.text:
            assert claim.labels["status"].value == "not_addressed"


# --- false verdicts on ordinary news (issue 9): each must stay not addressed ---------------------


def _addressed(nlp, rules, text: str) -> list[tuple[str, str]]:
    """Every claim of ``text`` that got a status other than not_addressed, with its value."""
    (item,) = split_and_label([Article("t", text)], nlp, "clause", rules)
    return [(c.text, c.labels["status"].value) for c in item.claims if c.labels["status"].value != "not_addressed"]


def test_backing_a_candidate_is_no_corroboration(nlp, rules):
    text = (
        '"I am honored by the endorsement of Senator Cruz," Trump said. "He was a tough opponent."\n\n'
        "Cruz had been facing growing pressure from donors to back Trump after staying on the sidelines since "
        "the convention."
    )
    assert _addressed(nlp, rules, text) == []


def test_support_of_people_or_policies_is_no_corroboration(nlp, rules):
    text = (
        "Opponents said the agency overstepped its authority when it issued the rules. They will face a "
        "number of cities that support the regulations. Super PACs supported by the Koch brothers attacked "
        "the plan, and those who supported the mayor stayed home."
    )
    assert _addressed(nlp, rules, text) == []


def test_backing_away_or_out_is_no_corroboration(nlp, rules):
    text = (
        '"In politics we look at personality too much," Jones said. "I think we\'ve got to back away from that."\n\n'
        "The state said it would lift the restrictions in 2000. But under pressure, the state backed out."
    )
    assert _addressed(nlp, rules, text) == []


def test_her_supporting_it_is_no_corroboration_of_her_denial(nlp, rules):
    text = "She keeps saying she opposed the war, when there are radio clips of her supporting it."
    assert _status(nlp, rules, text, "opposed the war")[0] == "not_addressed"


def test_backing_an_account_corroborates_it(nlp, rules):
    text = "Bob said the guards left the base at 10 p.m. A second officer at the base backed Bob's account."
    value, evidence = _status(nlp, rules, text, "left the base")
    assert value == "corroborated" and "backed" in evidence


def test_backing_that_up_corroborates_the_claim_before(nlp, rules):
    text = 'Jones said her family "came out of the White House in debt." Financial records backed that up.'
    assert _status(nlp, rules, text, "in debt")[0] == "corroborated"


def test_actually_inside_a_clause_is_no_correction(nlp, rules):
    text = (
        "Smith says his tax plan would cut taxes for the middle class. The gap between what Smith says his "
        "plan would do, and what it would actually do, began a year ago. When pressed about how he would "
        "actually bring jobs back, he said little."
    )
    assert _addressed(nlp, rules, text) == []


def test_and_in_fact_adds_rather_than_corrects(nlp, rules):
    text = (
        "Critics said Smith was stoking fears about the vote. Smith has done nothing to dispel that notion, "
        "and in fact may be fueling it."
    )
    assert _addressed(nlp, rules, text) == []


def test_in_fact_never_contradicts_its_own_claim(nlp, rules):
    assert _addressed(nlp, rules, "Voting fraud is, in fact, very rare.") == []


def test_a_sentence_opening_in_fact_elaborates(nlp, rules):
    text = (
        "Over the years, she said, email has helped her stay in touch with the senator. In fact, she emerged "
        "as a regular character in the emails."
    )
    assert _addressed(nlp, rules, text) == []


def test_false_hope_rules_on_no_claim(nlp, rules):
    text = (
        "\"When you call a product a miracle, and it's something you can buy, and it's something that gives "
        "people false hope, I don't understand why you need to go there,\" the senator said."
    )
    assert _addressed(nlp, rules, text) == []


def test_those_who_question_something_dispute_no_claim(nlp, rules):
    text = (
        '"It\'s heartbreaking," the mayor said. Jones echoed statements that those who question bias in '
        "policing demean law enforcement."
    )
    assert _status(nlp, rules, text, "heartbreaking")[0] == "not_addressed"


def test_questioning_how_or_what_disputes_nothing(nlp, rules):
    text = (
        "Delegates questioned how Lee could turn back on a pledge he made to support the nominee. At a rally, "
        "Jones questioned what kind of person gets up at 3 a.m. to send angry tweets."
    )
    assert _addressed(nlp, rules, text) == []


def test_a_dismissal_never_addresses_the_dismissers_own_words(nlp, rules):
    text = (
        "The magazine reported that she had accused him of assault. However, her brief said that was not her "
        "view and dismissed those reports as misinterpreted statements."
    )
    assert _status(nlp, rules, text, "not her view")[0] == "not_addressed"


def test_an_acknowledgement_whose_complement_was_misparsed_stays_home(nlp, rules):
    text = (
        '"It was demoralizing. We weren\'t allowed to take care of the people," Ham said.\n\n'
        "While he acknowledged funding was a major reason he felt demoralized, Ham also noted other reasons."
    )
    assert _status(nlp, rules, text, "demoralizing")[0] == "not_addressed"
    assert _status(nlp, rules, text, "take care of the people")[0] == "not_addressed"


def test_an_acknowledged_object_is_not_the_clause_before_it(nlp, rules):
    text = (
        '"What I would also say is that since the very first day the president signed this bill into law, he '
        'acknowledged an openness to working with Congress," the spokesman said.'
    )
    assert _status(nlp, rules, text, "signed this bill")[0] == "not_addressed"


def test_an_expletive_it_points_back_at_nothing(nlp, rules):
    text = (
        "Jones said the campaign planned to bus in supporters to stage a protest, though she acknowledged it "
        "was unlikely to work."
    )
    assert _status(nlp, rules, text, "bus in supporters")[0] == "not_addressed"


def test_a_parenthetical_acknowledgement_is_no_verdict_on_an_earlier_claim(nlp, rules):
    text = (
        "He leaves an aggressive - some say unrealistic - pledge to cut emissions by 2050.\n\n"
        "All of this, he acknowledges, could be undone at the ballot box."
    )
    assert _status(nlp, rules, text, "He leaves")[0] == "not_addressed"


def test_an_infinitival_verdict_is_hypothetical(nlp, rules):
    text = (
        "Officials said Mexico's partner might suddenly turn hostile. Mexico must say how self-destructive "
        "it could be to undermine it."
    )
    assert _addressed(nlp, rules, text) == []


def test_refusing_to_concede_corroborates_nothing(nlp, rules):
    text = "He refused to concede that critics had a point about the wage."
    assert _addressed(nlp, rules, text) == []


def test_conceding_the_race_and_being_confirmed_are_no_verdicts(nlp, rules):
    text = (
        "The article was updated to reflect that Jones was declared the winner and that Smith conceded.\n\n"
        "Nobody opposed him - he was confirmed 92 to 0."
    )
    assert _addressed(nlp, rules, text) == []


def test_rejecting_a_proposal_disputes_no_claim(nlp, rules):
    text = "Jones proposed a debate on the evening of April 4, but the Smith campaign rejected the idea."
    assert _addressed(nlp, rules, text) == []


def test_a_disputed_territory_disputes_no_claim(nlp, rules):
    text = '"Israel doesn\'t want another adversary," he said. The disputed territory has been a hot topic.'
    assert _addressed(nlp, rules, text) == []


def test_an_indefinite_false_noun_rules_only_on_the_frame_it_hangs_on(nlp, rules):
    text = (
        "Citing an unfounded conspiracy theory, Trump repeatedly accused Rafael Cruz, who was born and raised "
        "in Cuba, of associating with Lee Harvey Oswald around the time of the assassination."
    )
    value, evidence = _status(nlp, rules, text, "associating with Lee Harvey Oswald")
    assert value == "contradicted" and "unfounded" in evidence
    assert _status(nlp, rules, text, "born")[0] == "not_addressed"


def test_a_verdict_in_a_clause_under_an_infinitive_is_hypothetical(nlp, rules):
    text = (
        '"I feel sympathy for the families," Jones said. "But then sometimes we had to go back and say we have '
        'new information that contradicts it."'
    )
    assert _addressed(nlp, rules, text) == []


def test_a_quoted_first_person_dissent_spares_the_speakers_own_claims(nlp, rules):
    text = (
        '"More bombing has absolutely no bearing on men like him," Bednarek said. "I fundamentally disagree," '
        "said Bednarek."
    )
    assert _status(nlp, rules, text, "no bearing")[0] == "not_addressed"


@pytest.mark.parametrize(
    "denial",
    [
        "Neither the governor nor her aides have disputed the group's warning.",
        "No one has disputed the group's warning.",
        "None of the officials disputed the group's warning.",
    ],
)
def test_a_negative_subject_leaves_the_warning_undisputed(nlp, rules, denial):
    """A negative subject negates the verdict verb like "not" does, and "the group's warning" points back
    at what the group warned."""
    text = f"The Sierra Club praised the bill, but it warned that the deadline might slip. {denial}"
    assert _status(nlp, rules, text, "deadline might slip")[0] == "undisputed"


def test_a_verdict_verb_whose_object_the_parser_made_a_complement_still_points_back(nlp, rules):
    """ "State data contradict that claim: ..." (the parser hangs "claim" as a clausal complement)."""
    text = (
        "Mark Webb claimed that test scores fell under her watch. "
        "State data contradict that claim: scores rose in both years she served."
    )
    assert _status(nlp, rules, text, "scores fell")[0] == "contradicted"


def test_calling_a_claim_wrong_disputes_it(nlp, rules):
    """ "X called that number wrong" is X's dispute, not the article's correction; "did not call" is none."""
    claim = "Board member Carla Diaz said the district had cut 40 teaching jobs last year. "
    text = claim + "The superintendent's office called that number wrong, saying only 12 positions were eliminated."
    assert _status(nlp, rules, text, "40 teaching jobs")[0] == "disputed"
    text = claim + "The superintendent's office did not call that number wrong."
    assert _status(nlp, rules, text, "40 teaching jobs")[0] == "not_addressed"


def test_contrary_to_a_claim_without_its_content_contradicts_the_claim_before(nlp, rules):
    text = (
        "Northfield's chief executive, Paul Grant, said last year that the chain had never been fined. "
        "Contrary to Grant's claim, federal records show the chain paid a $2 million penalty in 2018."
    )
    assert _status(nlp, rules, text, "never been fined")[0] == "contradicted"
