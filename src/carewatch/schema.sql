-- The canonical snapshot schema: one DuckDB file per import, never modified after publishing.
-- Column names are the DATA.md / DOMAIN.md names in lower case, except where the name is an SQL
-- keyword (START/END -> start_date/end_date, CASE -> case_id, COUNT -> events).
-- Every 903 table carries `year`: the collection year it came from, named by the year it ends
-- (2021 = 1 April 2020 – 31 March 2021). Every imported row keeps `_file` and `_row` (row number as
-- a spreadsheet shows it: the header is row 1) so findings and drill-downs can point at it.

-- metadata --------------------------------------------------------------------------------------
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
-- keys: snapshot_id, la, la_name, extract_date, created, carewatch_version, quarantined_children
CREATE TABLE source_files (file VARCHAR, sha256 VARCHAR, table_name VARCHAR, year INTEGER, rows BIGINT);
CREATE TABLE findings (code VARCHAR, severity VARCHAR, file VARCHAR, "row" BIGINT, "column" VARCHAR,
                       child VARCHAR, message VARCHAR);
-- children left out of duties and indicators because of row errors (DATA.md "What bad input gets")
CREATE TABLE quarantine (child VARCHAR PRIMARY KEY, codes VARCHAR);
-- working days: wd_seq = working days on or before the date (carewatch.calendar)
CREATE TABLE calendar (date DATE PRIMARY KEY, is_working_day BOOLEAN, wd_seq INTEGER);

-- SSDA903 -----------------------------------------------------------------------------------------
CREATE TABLE header (child VARCHAR, sex VARCHAR, dob DATE, ethnic VARCHAR, upn VARCHAR,
                     mother VARCHAR, mc_dob DATE, year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE episodes (child VARCHAR, decom DATE, rne VARCHAR, ls VARCHAR, cin VARCHAR, place VARCHAR,
                       place_provider VARCHAR, dec DATE, rec VARCHAR, reason_place_change VARCHAR,
                       home_post VARCHAR, pl_post VARCHAR, urn VARCHAR,
                       year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE reviews (child VARCHAR, dob DATE, review DATE, review_code VARCHAR,
                      year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE uasc (child VARCHAR, sex VARCHAR, dob DATE, duc DATE, year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE oc2 (child VARCHAR, dob DATE, sdq_score INTEGER, sdq_reason VARCHAR, convicted INTEGER,
                  health_check INTEGER, immunisations INTEGER, teeth_check INTEGER,
                  health_assessment INTEGER, substance_misuse INTEGER, intervention_received INTEGER,
                  intervention_offered INTEGER, year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE oc3 (child VARCHAR, dob DATE, in_touch VARCHAR, activ VARCHAR, accom VARCHAR,
                  year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE ad1 (child VARCHAR, dob DATE, date_int DATE, date_match DATE, foster_care INTEGER,
                  nb_adoptr VARCHAR, sex_adoptr VARCHAR, ls_adoptr VARCHAR,
                  year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE placed_adoption (child VARCHAR, dob DATE, date_placed DATE, date_placed_ceased DATE,
                              reason_placed_ceased VARCHAR, year INTEGER, _file VARCHAR, _row BIGINT);
-- date_perm stays text: the 903 allows partial dates written zz/MM/YYYY
CREATE TABLE prev_perm (child VARCHAR, dob DATE, prev_perm VARCHAR, la_perm VARCHAR, date_perm VARCHAR,
                        year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE missing (child VARCHAR, dob DATE, missing VARCHAR, mis_start DATE, mis_end DATE,
                      year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE sw_episodes (child VARCHAR, dob DATE, sw_id VARCHAR, sw_decom DATE, sw_dec DATE,
                          sw_reason VARCHAR, year INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE dolo (child VARCHAR, dob DATE, dolo_start DATE, dolo_end DATE,
                   year INTEGER, _file VARCHAR, _row BIGINT);

-- the local extract (DATA.md §2); a table not sent stays empty and is listed in meta
-- key 'tables_present' (comma-separated), so "no data" can be told apart from zero ---------------
CREATE TABLE allocations (child VARCHAR, team VARCHAR, worker VARCHAR, start_date DATE, end_date DATE,
                          _file VARCHAR, _row BIGINT);
CREATE TABLE visits (child VARCHAR, visit_date DATE, seen BOOLEAN, virtual BOOLEAN, _file VARCHAR, _row BIGINT);
CREATE TABLE health_assessments (child VARCHAR, type VARCHAR, requested DATE, completed DATE,
                                 _file VARCHAR, _row BIGINT);
CREATE TABLE dental_checks (child VARCHAR, check_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE care_plans (child VARCHAR, plan_date DATE, _file VARCHAR, _row BIGINT);
-- confirmed: the date the permanence panel confirmed the current placement as permanent (blank = not)
CREATE TABLE permanence_plans (child VARCHAR, agreed DATE, plan VARCHAR, confirmed DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE permanence_meetings (child VARCHAR, meeting_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE peps (child VARCHAR, pep_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE pathway_plans (child VARCHAR, plan_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE pre_birth_assessments (case_id VARCHAR, team VARCHAR, referral_date DATE, expected_dob DATE,
                                    completed DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE life_story (child VARCHAR, book_date DATE, later_life_letter_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE foster_households (household VARCHAR, type VARCHAR, approved DATE, deregistered DATE,
                                places INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE foster_placements (child VARCHAR, household VARCHAR, start_date DATE, end_date DATE,
                                _file VARCHAR, _row BIGINT);
CREATE TABLE fostering_enquiries (enquiry VARCHAR, enquiry_date DATE, assessment_start DATE, outcome VARCHAR,
                                  outcome_date DATE, approved_places INTEGER, applicant_age_band VARCHAR,
                                  _file VARCHAR, _row BIGINT);
CREATE TABLE education (child VARCHAR, academic_year VARCHAR, attendance_pct DOUBLE, persistent_absence BOOLEAN,
                        ks4_any_pass BOOLEAN, ks4_standard_pass BOOLEAN, ks4_strong_pass BOOLEAN,
                        school_ofsted VARCHAR, _file VARCHAR, _row BIGINT);
CREATE TABLE residential_events (home VARCHAR, child VARCHAR, event_date DATE, event VARCHAR,
                                 _file VARCHAR, _row BIGINT);
CREATE TABLE participation (event_date DATE, channel VARCHAR, events INTEGER, _file VARCHAR, _row BIGINT);
CREATE TABLE nts_referrals (referral VARCHAR, referral_date DATE, decision VARCHAR, arrival_date DATE,
                            _file VARCHAR, _row BIGINT);
-- Annex A's lists 1, 2 and 11 and List 8's fields the 903 lacks (docs/annex-a.md)
CREATE TABLE contacts (child VARCHAR, contact_date DATE, source VARCHAR, _file VARCHAR, _row BIGINT);
CREATE TABLE early_help (child VARCHAR, start_date DATE, end_date DATE, organisation VARCHAR, _file VARCHAR, _row BIGINT);
CREATE TABLE iro_contacts (child VARCHAR, contact_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE return_interviews (child VARCHAR, missing_start DATE, offered BOOLEAN, accepted BOOLEAN,
                                _file VARCHAR, _row BIGINT);
CREATE TABLE personal_advisers (child VARCHAR, adviser VARCHAR, start_date DATE, end_date DATE,
                                _file VARCHAR, _row BIGINT);
CREATE TABLE adopters (adopter VARCHAR, family VARCHAR, gender VARCHAR, ethnicity VARCHAR, disability BOOLEAN,
                       ffa BOOLEAN, enquiry_date DATE, stage1_start DATE, stage1_end DATE, stage2_start DATE,
                       stage2_end DATE, application_date DATE, approval_date DATE, match_date DATE,
                       placed_date DATE, children_placed INTEGER, adoption_order_date DATE, left_date DATE,
                       left_reason VARCHAR, _file VARCHAR, _row BIGINT);
-- List 9's "Latest Date of Contact": each contact of the leaving-care service with a care leaver
CREATE TABLE leaver_contacts (child VARCHAR, leaver_contact_date DATE, _file VARCHAR, _row BIGINT);
-- List 10's "Family identifier": each match of a child with prospective adopters (adopters.family)
CREATE TABLE adoption_matches (child VARCHAR, family VARCHAR, match_date DATE, _file VARCHAR, _row BIGINT);
CREATE TABLE population (la VARCHAR, year INTEGER, age_0_17 INTEGER, _file VARCHAR, _row BIGINT);

-- CIN census (DOMAIN.md D); child = LAchildID; referral_id numbers CINdetails within the file -----
-- disabilities: ChildCharacteristics/Disabilities, the DfE codes comma-separated in order (NONE: none)
CREATE TABLE cin_children (child VARCHAR, upn VARCHAR, dob DATE, expected_dob DATE, gender VARCHAR,
                           death_date DATE, ethnicity VARCHAR, disabilities VARCHAR, _file VARCHAR);
CREATE TABLE cin_referrals (child VARCHAR, referral_id VARCHAR, referral_date DATE, referral_source VARCHAR,
                            primary_need VARCHAR, closure_date DATE, reason_for_closure VARCHAR,
                            referral_nfa BOOLEAN, _file VARCHAR);
CREATE TABLE cin_assessments (child VARCHAR, referral_id VARCHAR, start_date DATE, authorisation_date DATE,
                              factors VARCHAR, _file VARCHAR);
CREATE TABLE cin_s47 (child VARCHAR, referral_id VARCHAR, s47_start DATE, icpc_target DATE, icpc_date DATE,
                      icpc_not_required BOOLEAN, _file VARCHAR);
CREATE TABLE cin_cp_plans (child VARCHAR, referral_id VARCHAR, start_date DATE, end_date DATE,
                           initial_category VARCHAR, latest_category VARCHAR, previous_cpp INTEGER,
                           latest_review DATE, _file VARCHAR);

-- derived at import (carewatch.derive) ------------------------------------------------------------
-- the episodes of children not quarantined, each with the period of care and placement it belongs to
CREATE TABLE periods (child VARCHAR, period_id INTEGER, start_date DATE, end_date DATE, end_rec VARCHAR,
                      short_breaks BOOLEAN, first_ls VARCHAR, episodes INTEGER);
CREATE TABLE placements (child VARCHAR, placement_id INTEGER, period_id INTEGER, start_date DATE,
                         end_date DATE, place VARCHAR, first_place VARCHAR, pl_post VARCHAR);
-- legal statuses: one row per spell of one LS within a period of care (end null while current)
CREATE TABLE legal_statuses (child VARCHAR, period_id INTEGER, start_date DATE, end_date DATE, ls VARCHAR);
-- "placement start for visits": a placement start, or a move with the same carer (RNE T or U)
CREATE TABLE visit_placements (child VARCHAR, visit_placement_id INTEGER, placement_id INTEGER,
                               period_id INTEGER, start_date DATE, end_date DATE, place VARCHAR);
CREATE TABLE duties (child VARCHAR, duty VARCHAR, seq INTEGER, period_id INTEGER,
                     opened DATE,      -- when the duty came into being (period start, previous completion …)
                     due DATE, done DATE,
                     closed DATE,      -- when it could no longer be met (period or placement ended); null if open
                     team VARCHAR, worker VARCHAR);
CREATE TABLE kpi_values (id VARCHAR, period_end DATE, numerator BIGINT, denominator BIGINT, value DOUBLE,
                         unit VARCHAR, target DOUBLE, rag VARCHAR);
