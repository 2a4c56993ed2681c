"""The CIN census XML: children, referrals (CINdetails), assessments, section 47s, CP plans."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

from carewatch.sources import SCHEMA, read_inputs

from .helpers import codes, finding_rows

CIN_XML = """<?xml version="1.0" encoding="utf-8"?>
<Message{namespace}>
  <Header><CollectionDetails><Collection>CIN</Collection><Year>2021</Year></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>K1</LAchildID>
        <UPN>A123456789012</UPN>
        <PersonBirthDate>2015-03-27</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>HAND</Disability><Disability>HEAR</Disability><Disability>HAND</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2020-06-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2020-09-01</CINclosureDate>
        <ReasonForClosure>RC1</ReasonForClosure>
        <ReferralNFA>false</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>2020-06-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2020-07-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>1C</AssessmentFactors>
            <AssessmentFactors>6B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2020-06-03</S47ActualStartDate>
          <InitialCPCtarget>2020-06-24</InitialCPCtarget>
          <DateOfInitialCPC>2020-06-20</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>2020-06-20</CPPstartDate>
          <CPPendDate>2020-08-31</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2021-02-30</CINreferralDate>
        <ReferralSource>5B</ReferralSource>
        <PrimaryNeedCode>N2</PrimaryNeedCode>
        <ReferralNFA>1</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>K2</LAchildID>
        <PersonBirthDate>2012-01-05</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>MWBC</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2021-01-04</CINreferralDate>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_cin_census_tables(tmp_path):
    (tmp_path / "cin_2021.xml").write_text(CIN_XML.format(namespace=""), encoding="utf-8")
    result = read_inputs([tmp_path])
    assert sorted(result.tables) == [
        "cin_assessments", "cin_children", "cin_cp_plans", "cin_referrals", "cin_s47"]
    for name, frame in result.tables.items():
        assert dict(frame.schema) == SCHEMA[name], name
    children = result.tables["cin_children"]
    # Disabilities: every Disability code in order, once each (K1's HAND twice is one)
    assert children.select("child", "upn", "dob", "gender", "ethnicity", "disabilities", "_file").rows() == [
        ("K1", "A123456789012", date(2015, 3, 27), "1", "WBRI", "HAND,HEAR", "cin_2021.xml"),
        ("K2", None, date(2012, 1, 5), "F", "MWBC", "NONE", "cin_2021.xml"),  # 2024 schema: Sex
    ]
    referrals = result.tables["cin_referrals"]
    columns = ("child", "referral_id", "referral_date", "closure_date", "referral_nfa")
    assert referrals.select(columns).rows() == [
        ("K1", "K1/2020-06-01", date(2020, 6, 1), date(2020, 9, 1), False),
        ("K1", "K1/2021-02-30", None, None, True),  # 30 February is no date (the id keeps the text)
        ("K2", "K2/2021-01-04", date(2021, 1, 4), None, False),
    ]
    assert result.tables["cin_assessments"].select("referral_id", "start_date", "authorisation_date",
                                                   "factors").rows() == [
        ("K1/2020-06-01", date(2020, 6, 2), date(2020, 7, 10), "1C,6B")]
    assert result.tables["cin_s47"].select("referral_id", "s47_start", "icpc_target", "icpc_date",
                                           "icpc_not_required").rows() == [
        ("K1/2020-06-01", date(2020, 6, 3), date(2020, 6, 24), date(2020, 6, 20), False)]
    assert result.tables["cin_cp_plans"].select("referral_id", "start_date", "end_date", "initial_category",
                                                "latest_category", "previous_cpp").rows() == [
        ("K1/2020-06-01", date(2020, 6, 20), date(2020, 8, 31), "NEG", "EMO", 1)]
    # the bad date points at the line of its CINdetails element: the file's line 1 is the <?xml
    # declaration, so K1's second <CINdetails> is on line 42
    assert finding_rows(result.findings, "value.bad_date") == [("cin_2021.xml", 42, "CINreferralDate", "K1")]
    assert [(f["file"], f["table_name"], f["rows"]) for f in result.files] == [
        ("cin_2021.xml", "cin_census", 2)]
    assert not result.rejected  # a CIN-only import is allowed


def test_namespaced_cin_file(tmp_path):
    (tmp_path / "cin.xml").write_text(CIN_XML.format(namespace=' xmlns="http://www.example.org/cin"'))
    result = read_inputs([tmp_path])
    assert result.tables["cin_referrals"].get_column("referral_id").to_list() == ["K1/2020-06-01", "K1/2021-02-30", "K2/2021-01-04"]


def test_child_without_id(tmp_path):
    xml = CIN_XML.format(namespace="").replace("<LAchildID>K2</LAchildID>", "")
    (tmp_path / "cin.xml").write_text(xml)
    result = read_inputs([tmp_path])
    # the second <Child> element is on line 49
    assert finding_rows(result.findings, "value.missing_child_id") == [("cin.xml", 49, "LAchildID", None)]
    assert result.tables["cin_referrals"].get_column("referral_id").to_list() == ["K1/2020-06-01", "K1/2021-02-30", None]


def test_malformed_xml_rejects_and_keeps_nothing(tmp_path):
    text = CIN_XML.format(namespace="")
    (tmp_path / "cin.xml").write_text(text[: text.index("</Children>")])  # cut off mid-file
    result = read_inputs([tmp_path])
    assert result.rejected
    assert codes(result.findings) == ["file.malformed_xml"]
    assert result.tables == {}


def test_other_xml_is_ignored_with_a_warning(tmp_path):
    (tmp_path / "903.xml").write_text("<EXPSSDA903><CHILD><HEADER/></CHILD></EXPSSDA903>")
    result = read_inputs([tmp_path])
    assert finding_rows(result.findings, "table.unrecognised") == [("903.xml", None, None, None)]
    assert not result.rejected


def test_two_census_years_merge_per_referral(tmp_path):
    # 2021 census: K1's referral of 2020-06-01 still open; 2022 census: the same referral, now
    # closed on 2021-05-01, plus a new one of 2021-09-01. The referral appears once, in its 2022
    # version (the later ReferenceDate), and the plan recorded under it in 2021 is not duplicated.
    def census(reference: str, details: str) -> str:
        return (f"<Message><Header><CollectionDetails><ReferenceDate>{reference}</ReferenceDate>"
                f"</CollectionDetails></Header><Children><Child><ChildIdentifiers><LAchildID>K1</LAchildID>"
                f"</ChildIdentifiers>{details}</Child></Children></Message>")
    plan = "<ChildProtectionPlans><CPPstartDate>2020-06-20</CPPstartDate></ChildProtectionPlans>"
    (tmp_path / "z_2021.xml").write_text(census("2021-03-31", f"<CINdetails><CINreferralDate>2020-06-01"
                                                 f"</CINreferralDate>{plan}</CINdetails>"))
    (tmp_path / "a_2022.xml").write_text(census("2022-03-31", f"<CINdetails><CINreferralDate>2020-06-01"
                                                 f"</CINreferralDate><CINclosureDate>2021-05-01</CINclosureDate>"
                                                 f"{plan}</CINdetails><CINdetails><CINreferralDate>2021-09-01"
                                                 f"</CINreferralDate></CINdetails>"))
    result = read_inputs([tmp_path])
    assert result.tables["cin_referrals"].select("referral_id", "closure_date", "_file").rows() == [
        ("K1/2020-06-01", date(2021, 5, 1), "a_2022.xml"),
        ("K1/2021-09-01", None, "a_2022.xml"),
    ]
    assert result.tables["cin_cp_plans"].select("referral_id", "_file").rows() == [("K1/2020-06-01", "a_2022.xml")]
    assert result.tables["cin_children"].height == 1


def test_a_referral_twice_in_the_latest_census(tmp_path):
    # K1's referral of 2020-06-01 is in the 2021 census and twice in the 2022 one (closed on 1 May, then
    # on 1 June): the last in the latest census wins; the assessments recorded under that referral in
    # the 2022 census are all kept, the 2021 one is not
    def census(reference: str, details: str) -> str:
        return (f"<Message><Header><CollectionDetails><ReferenceDate>{reference}</ReferenceDate>"
                f"</CollectionDetails></Header><Children><Child><ChildIdentifiers><LAchildID>K1</LAchildID>"
                f"</ChildIdentifiers>{details}</Child></Children></Message>")

    def referral(closed: str, assessed: str) -> str:
        return (f"<CINdetails><CINreferralDate>2020-06-01</CINreferralDate><CINclosureDate>{closed}"
                f"</CINclosureDate><Assessments><AssessmentActualStartDate>{assessed}</AssessmentActualStartDate>"
                f"</Assessments></CINdetails>")
    (tmp_path / "a_2021.xml").write_text(census("2021-03-31", referral("", "2020-06-02")))
    (tmp_path / "b_2022.xml").write_text(census("2022-03-31", referral("2021-05-01", "2020-06-03")
                                                + referral("2021-06-01", "2020-06-04")))
    result = read_inputs([tmp_path])
    assert result.tables["cin_referrals"].select("referral_id", "closure_date", "_file").rows() == [
        ("K1/2020-06-01", date(2021, 6, 1), "b_2022.xml")]
    assert result.tables["cin_assessments"].select("start_date", "_file").rows() == [
        (date(2020, 6, 3), "b_2022.xml"), (date(2020, 6, 4), "b_2022.xml")]


def test_two_census_files_of_one_name_keep_their_own_records(tmp_path):
    # 2021/cin_census.xml (K1's referral and assessment) and 2022/cin_census.xml (K2's) given as two
    # folders: both files are labelled cin_census.xml, so each file's assessments are linked to the
    # referrals that won in that file by its place, not its label. K1's referral is only in the first
    # file and wins there: its assessment is kept (the label alone would give K1's the second file's
    # winners, K2's referral, and lose it); K2's likewise. Two referrals, two assessments.
    def census(child: str, referred: str, assessed: str) -> str:
        return (f"<Message><Header><CollectionDetails><ReferenceDate>2021-03-31</ReferenceDate></CollectionDetails>"
                f"</Header><Children><Child><ChildIdentifiers><LAchildID>{child}</LAchildID></ChildIdentifiers>"
                f"<CINdetails><CINreferralDate>{referred}</CINreferralDate><Assessments><AssessmentActualStartDate>"
                f"{assessed}</AssessmentActualStartDate></Assessments></CINdetails></Child></Children></Message>")
    for year, child, referred, assessed in (("2021", "K1", "2020-06-01", "2020-06-02"),
                                            ("2022", "K2", "2020-07-01", "2020-07-02")):
        (tmp_path / year).mkdir()
        (tmp_path / year / "cin_census.xml").write_text(census(child, referred, assessed))
    result = read_inputs([tmp_path / "2021", tmp_path / "2022"])
    assert sorted(result.tables["cin_referrals"].get_column("referral_id").to_list()) == [
        "K1/2020-06-01", "K2/2020-07-01"]
    assert sorted(result.tables["cin_assessments"].select("referral_id", "start_date").rows()) == [
        ("K1/2020-06-01", date(2020, 6, 2)), ("K2/2020-07-01", date(2020, 7, 2))]


def test_disabilities_come_from_the_latest_census_holding_the_child(tmp_path):
    # K1: MOB in the 2021 census, NONE in the 2022 one (the later ReferenceDate wins, whatever the
    # files' names); K2 only in 2021, with no Disabilities element at all (null: not recorded)
    def census(reference: str, children: str) -> str:
        return (f"<Message><Header><CollectionDetails><ReferenceDate>{reference}</ReferenceDate>"
                f"</CollectionDetails></Header><Children>{children}</Children></Message>")

    def child(child_id: str, characteristics: str) -> str:
        return (f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID></ChildIdentifiers>"
                f"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>{characteristics}</ChildCharacteristics>"
                f"<CINdetails><CINreferralDate>2020-06-01</CINreferralDate></CINdetails></Child>")
    (tmp_path / "z_2021.xml").write_text(census("2021-03-31", child("K1", "<Disabilities><Disability>MOB"
                                                "</Disability></Disabilities>") + child("K2", "")))
    (tmp_path / "a_2022.xml").write_text(census("2022-03-31", child("K1", "<Disabilities><Disability>NONE"
                                                "</Disability></Disabilities>")))
    result = read_inputs([tmp_path])
    assert sorted(result.tables["cin_children"].select("child", "disabilities", "_file").rows()) == [
        ("K1", "NONE", "a_2022.xml"), ("K2", None, "z_2021.xml")]


# The tags are found by one pass over the bytes (_cin_tags), not walked by an XML library: what a council's XML tool may add
# must read as it would. Line 1 the declaration (Windows-1252), 2 a comment holding "<Child>",
# 3 <cin:Message> with a prefix, 6-7 a comment over two lines, 8 K3's Child; on line 9 its UPN is
# an empty element, its LAchildID a CDATA section and its ethnicity an entity (&#x4F; = O); line
# 10 K3's CINdetails, whose ReferralSource "1A" comes from an entity and ReasonForClosure holds
# "&" (&amp;) and "é" (a cp1252 byte).
ODD_XML = (
    '<?xml version="1.0" encoding="windows-1252"?>\n'
    '<!-- exported by <Child> tool -->\n'
    '<cin:Message xmlns:cin="http://www.example.org/cin">\n'
    '<cin:Header><cin:ReferenceDate>2021-03-31</cin:ReferenceDate></cin:Header>\n'
    '<cin:Children>\n'
    '<!-- two\n lines -->\n'
    '<cin:Child>\n'
    '<cin:ChildIdentifiers><cin:LAchildID><![CDATA[K3]]></cin:LAchildID><cin:UPN/>'
    '<cin:PersonBirthDate>2014-02-01</cin:PersonBirthDate></cin:ChildIdentifiers>'
    '<cin:ChildCharacteristics><cin:Ethnicity>&#x4F;TH</cin:Ethnicity></cin:ChildCharacteristics>\n'
    '<cin:CINdetails>\n'
    '<cin:CINreferralDate>2020-11-02</cin:CINreferralDate><cin:ReferralSource>&#49;A</cin:ReferralSource>'
    '<cin:ReasonForClosure>RC&amp;8 \xe9</cin:ReasonForClosure><cin:ReferralNFA>nonsense</cin:ReferralNFA>'
    '</cin:CINdetails>\n'
    '</cin:Child>\n'
    '</cin:Children>\n'
    '</cin:Message>\n'
)


def test_comments_cdata_entities_prefixes_and_encodings(tmp_path):
    (tmp_path / "cin.xml").write_bytes(ODD_XML.encode("cp1252"))
    result = read_inputs([tmp_path])
    assert result.tables["cin_children"].select("child", "upn", "dob", "ethnicity").rows() == [
        ("K3", None, date(2014, 2, 1), "OTH")]
    assert result.tables["cin_referrals"].select("referral_id", "referral_source", "reason_for_closure",
                                                 "referral_nfa").rows() == [
        ("K3/2020-11-02", "1A", "RC&8 é", None)]
    # the unreadable flag points at its CINdetails on line 10: the comments kept their line breaks
    assert finding_rows(result.findings, "value.bad_flag") == [("cin.xml", 10, "ReferralNFA", "K3")]
    assert [(f["file"], f["rows"]) for f in result.files] == [("cin.xml", 1)]


def test_latest_review_conference_of_each_plan(tmp_path):
    # CPPreviewDate repeats, one per review conference, in a Reviews wrapper or not, under a namespace
    # prefix. Plan 1 (K1): reviews 03/12/2020 and 2020-09-10, written latest first -> 3 Dec 2020 (the
    # later by date, not by place or text: "2020-09-10" > "03/12/2020" as text). Plan 2 (K1): none ->
    # null. Plan 3 (K2): one review outside a wrapper, 2021-03-01. Plan 4 (K3): 2021-01-05 and 31/02/2021
    # (no date) -> null, and the unreadable one is reported: the latest is unknown, not 5 Jan.
    def plan(start: str, reviews: str) -> str:
        return (f"<cin:CINdetails><cin:CINreferralDate>{start}</cin:CINreferralDate><cin:ChildProtectionPlans>"
                f"<cin:CPPstartDate>{start}</cin:CPPstartDate>{reviews}</cin:ChildProtectionPlans></cin:CINdetails>")

    def child(child_id: str, plans: str) -> str:
        return (f"<cin:Child><cin:ChildIdentifiers><cin:LAchildID>{child_id}</cin:LAchildID></cin:ChildIdentifiers>"
                f"{plans}</cin:Child>\n")
    review = "<cin:CPPreviewDate>{}</cin:CPPreviewDate>".format
    xml = ('<cin:Message xmlns:cin="http://www.example.org/cin"><cin:Children>\n'
           + child("K1", plan("2020-08-01", f"<cin:Reviews>{review('03/12/2020')}{review('2020-09-10')}</cin:Reviews>")
                   + plan("2021-02-01", ""))
           + child("K2", plan("2020-12-01", review("2021-03-01")))
           + child("K3", plan("2020-11-01", f"<cin:Reviews>{review('2021-01-05')}{review('31/02/2021')}</cin:Reviews>"))
           + "</cin:Children></cin:Message>\n")
    (tmp_path / "cin.xml").write_text(xml)
    result = read_inputs([tmp_path])
    assert result.tables["cin_cp_plans"].select("child", "start_date", "latest_review").rows() == [
        ("K1", date(2020, 8, 1), date(2020, 12, 3)), ("K1", date(2021, 2, 1), None),
        ("K2", date(2020, 12, 1), date(2021, 3, 1)), ("K3", date(2020, 11, 1), None)]
    assert finding_rows(result.findings, "value.bad_date") == [("cin.xml", 4, "CPPreviewDate", "K3")]


def test_first_non_blank_value_in_its_own_container(tmp_path):
    # K5's first UPN is blank and its second A1 counts; an LAchildID outside ChildIdentifiers is not
    # the child's (K5's is the one inside); the referral's first ReferralSource is blank, its second
    # 2B counts, its third 3C does not, and the ReferralSource inside Assessments is not the
    # referral's (an assessment reads no ReferralSource).
    xml = ("<Message><Children><Child><LAchildID>X9</LAchildID><ChildIdentifiers><UPN> </UPN><UPN>A1</UPN>"
           "<LAchildID>K5</LAchildID></ChildIdentifiers><CINdetails><Assessments><ReferralSource>9Z"
           "</ReferralSource></Assessments><ReferralSource/><ReferralSource>2B</ReferralSource>"
           "<ReferralSource>3C</ReferralSource><CINreferralDate>2021-01-04</CINreferralDate></CINdetails>"
           "</Child></Children></Message>")
    (tmp_path / "cin.xml").write_text(xml)
    result = read_inputs([tmp_path])
    assert result.tables["cin_children"].select("child", "upn").rows() == [("K5", "A1")]
    assert result.tables["cin_referrals"].select("referral_id", "referral_source").rows() == [
        ("K5/2021-01-04", "2B")]
    assert result.tables["cin_assessments"].select("referral_id", "start_date").rows() == [("K5/2021-01-04", None)]


def test_windows_line_ends_long_prefixes_and_a_greater_than_sign(tmp_path):
    # Windows line ends (line 1 the declaration, 2 <Message>, 3 K7's Child, 4 its CINdetails); a
    # 20-letter namespace prefix on most tags, none on the rest; K7's Child has an attribute holding
    # '>' and its ethnicity a '>' in its text; ReferralNFA "maybe" is unreadable and reported on
    # line 4.
    p = "averyverylongprefixx"
    xml = (f'<?xml version="1.0" encoding="utf-8"?>\r\n<{p}:Message xmlns:{p}="urn:cin">\r\n'
           f'<{p}:Children><{p}:Child note="a>b"><{p}:ChildIdentifiers><{p}:LAchildID>K7</{p}:LAchildID>'
           f'<PersonBirthDate>2015-03-27</PersonBirthDate></{p}:ChildIdentifiers><ChildCharacteristics>'
           f'<Ethnicity> W>B </Ethnicity></ChildCharacteristics>\r\n<{p}:CINdetails><CINreferralDate>2021-01-04'
           f'</CINreferralDate><{p}:ReferralNFA>maybe</{p}:ReferralNFA></{p}:CINdetails></{p}:Child>\r\n'
           f'</{p}:Children></{p}:Message>\r\n')
    (tmp_path / "cin.xml").write_bytes(xml.encode("utf-8"))
    result = read_inputs([tmp_path])
    assert result.tables["cin_children"].select("child", "dob", "ethnicity").rows() == [("K7", date(2015, 3, 27), "W>B")]
    assert result.tables["cin_referrals"].select("referral_id", "referral_nfa").rows() == [("K7/2021-01-04", None)]
    assert finding_rows(result.findings, "value.bad_flag") == [("cin.xml", 4, "ReferralNFA", "K7")]


def test_a_comment_at_the_top_of_a_utf8_file_is_no_child(tmp_path):
    # A UTF-8 file (read as it is, not rewritten) whose comment on line 2, within its first 200
    # bytes, holds "<Child>": the file is split again without its comments, so one child (K1) and
    # no finding, not a second Child without LAchildID on line 2. A CDATA section further down
    # (line 4) is read as its text: K1's UPN is "A<1".
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<!-- <Child> -->\n<Message><Children><Child><ChildIdentifiers>'
           '<LAchildID>K1</LAchildID>\n<UPN><![CDATA[A<1]]></UPN></ChildIdentifiers></Child></Children></Message>\n')
    (tmp_path / "cin.xml").write_text(xml, encoding="utf-8")
    result = read_inputs([tmp_path])
    assert result.tables["cin_children"].select("child", "upn").rows() == [("K1", "A<1")]
    assert result.findings.height == 0


def test_reading_a_census_loads_no_pyarrow_compute(tmp_path):
    # pyarrow.compute's import costs 0.08-0.13 s of CPU in every import holding a census; the reader
    # needs only pyarrow's arrays and one cast (cin_census._ArrowCArray). In a fresh process: this one
    # has loaded everything.
    (tmp_path / "cin_2021.xml").write_text(CIN_XML.format(namespace=""), encoding="utf-8")
    probe = ("import sys; from pathlib import Path; from carewatch.sources import read_inputs; "
             "children = read_inputs([Path(sys.argv[1])]).tables['cin_children'].height; "
             "print(children, 'pyarrow.compute' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["2", "False"]
