-- cintui's SQLite schema at revision 0035: written by scripts/sqlite_schema.py, never by hand.
BEGIN IMMEDIATE;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE applied_request (
	actor VARCHAR(64) NOT NULL, 
	request_id VARCHAR(100) NOT NULL, 
	command VARCHAR(200) NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	applied_at DATETIME NOT NULL, 
	first_seq INTEGER, 
	last_seq INTEGER, 
	done BOOLEAN NOT NULL, 
	exit_code INTEGER, 
	result VARCHAR, 
	PRIMARY KEY (actor, request_id)
);
CREATE TABLE audit_log (
	seq INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(8) NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	entity_id VARCHAR(64) NOT NULL, 
	changes VARCHAR NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	hash VARCHAR(64) NOT NULL, txid BIGINT, 
	PRIMARY KEY (seq)
);
CREATE TABLE authority (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	la_number VARCHAR(3) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE "child" (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	reference VARCHAR(32) NOT NULL, 
	first_name VARCHAR(100) NOT NULL, 
	last_name VARCHAR(100) NOT NULL, 
	known_as VARCHAR(100) NOT NULL, 
	dob DATE, 
	expected_dob DATE, 
	ethnicity VARCHAR(4) NOT NULL, 
	disabilities VARCHAR(100) NOT NULL, 
	upn VARCHAR(13) NOT NULL, 
	upn_unknown VARCHAR(3), 
	primary_need VARCHAR(2) NOT NULL, 
	level VARCHAR(80) NOT NULL, 
	service VARCHAR(120) NOT NULL, 
	team_id CHAR(32), 
	worker_id CHAR(32), 
	family_id CHAR(32), 
	status VARCHAR(16) NOT NULL, 
	sex VARCHAR(1) DEFAULT 'U' NOT NULL, 
	gender_identity VARCHAR(100) DEFAULT ('') NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(family_id) REFERENCES family (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(team_id) REFERENCES team (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(worker_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE child_access (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	worker_id CHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(worker_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE child_person (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	person_id CHAR(32) NOT NULL, 
	relationship VARCHAR(80) NOT NULL, 
	parental_responsibility BOOLEAN NOT NULL, 
	lives_with_child BOOLEAN NOT NULL, 
	notes VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE circumstance (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	kind VARCHAR(24) NOT NULL, 
	value VARCHAR(24) NOT NULL, 
	recorded_on DATE NOT NULL, 
	recorded_by VARCHAR(200) NOT NULL, contact VARCHAR(300) DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE consent (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	person_id CHAR(32), 
	scope VARCHAR(24) NOT NULL, 
	decision VARCHAR(16) NOT NULL, 
	decided_on DATE NOT NULL, 
	method VARCHAR(16) NOT NULL, 
	notes VARCHAR NOT NULL, 
	override_without_consent BOOLEAN NOT NULL, 
	override_rationale VARCHAR NOT NULL, 
	withheld_reasons VARCHAR NOT NULL, 
	alternative_support VARCHAR NOT NULL, 
	reflective_discussion_on DATE, 
	withheld_decision VARCHAR(40) NOT NULL, 
	withheld_analysis VARCHAR NOT NULL, 
	decided_by_id CHAR(32), alternative_monitoring VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(decided_by_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE cp_enquiry (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32) NOT NULL, 
	strategy_on DATE NOT NULL, 
	strategy_outcome VARCHAR(8) NOT NULL, 
	strategy_notes VARCHAR NOT NULL, 
	s47_started DATE, 
	icpc_target DATE, 
	s47_outcome VARCHAR(8) NOT NULL, 
	s47_concluded DATE, 
	icpc_held DATE, 
	recorded_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE decision (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	kind VARCHAR(16) NOT NULL, 
	made_on DATE NOT NULL, 
	made_by VARCHAR(200) NOT NULL, 
	made_by_role VARCHAR(120) NOT NULL, 
	made_by_id CHAR(32), 
	decision VARCHAR NOT NULL, 
	rationale VARCHAR NOT NULL, 
	ending_id CHAR(32), 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(ending_id) REFERENCES ending (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(made_by_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE device_entry (
	device VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(8) NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	entity_id VARCHAR(64) NOT NULL, 
	changes VARCHAR NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	arrived_at DATETIME NOT NULL, 
	PRIMARY KEY (device, seq)
);
CREATE TABLE "direct_payment" (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	amount_pence INTEGER, 
	period VARCHAR(12) NOT NULL, 
	managed_by VARCHAR(200) NOT NULL, 
	started_on DATE NOT NULL, 
	review_due DATE NOT NULL, 
	ended_on DATE, 
	end_reason VARCHAR DEFAULT ('') NOT NULL, 
	notes VARCHAR DEFAULT ('') NOT NULL, 
	recorded_by VARCHAR(200) DEFAULT ('') NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE disclosure (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	exported_on DATE NOT NULL, 
	exported_by VARCHAR(200) NOT NULL, 
	recipient VARCHAR(200) NOT NULL, 
	purpose VARCHAR NOT NULL, 
	scope VARCHAR(200) NOT NULL, 
	children INTEGER NOT NULL, 
	refs VARCHAR NOT NULL, 
	file VARCHAR(400) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE "draft" (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	child_id CHAR(32), 
	owner VARCHAR(64) NOT NULL, 
	subject_id CHAR(32), 
	payload VARCHAR NOT NULL, 
	saved_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE ending (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	recommended_on DATE NOT NULL, 
	recommended_by VARCHAR(200) NOT NULL, 
	meeting_id CHAR(32), 
	decided_on DATE, 
	decided_by VARCHAR(200) NOT NULL, 
	rationale VARCHAR NOT NULL, 
	family_told_on DATE, 
	closure_reason VARCHAR(3), 
	unmet_need BOOLEAN, 
	closure_summary VARCHAR NOT NULL, 
	dispute_raised_on DATE, 
	dispute_raised_by VARCHAR(200) NOT NULL, 
	dispute_details VARCHAR NOT NULL, 
	escalated_to_service_manager_on DATE, 
	dispute_outcome VARCHAR NOT NULL, 
	receiving_service VARCHAR(200) NOT NULL, 
	lead_professional VARCHAR(200) NOT NULL, 
	lead_contact VARCHAR(200) NOT NULL, 
	conversation_held BOOLEAN, 
	conversation_notes VARCHAR NOT NULL, 
	family_consent BOOLEAN, 
	documents VARCHAR NOT NULL, 
	receiving_authority VARCHAR(200) NOT NULL, 
	receiving_contact VARCHAR(200) NOT NULL, 
	move_date DATE, 
	consent_to_share VARCHAR(16) NOT NULL, 
	consent_not_sought_reason VARCHAR NOT NULL, 
	moves_count INTEGER, 
	trafficking_considered VARCHAR NOT NULL, 
	completed_on DATE, move_impact VARCHAR DEFAULT '' NOT NULL, responsibilities_told VARCHAR DEFAULT '' NOT NULL, service_gaps VARCHAR DEFAULT '' NOT NULL, agencies_asked VARCHAR DEFAULT '' NOT NULL, sharing_advice VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE episode (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	referral_date DATE NOT NULL, 
	referral_source VARCHAR(2) NOT NULL, 
	referral_nfa BOOLEAN NOT NULL, 
	primary_need VARCHAR(2) NOT NULL, 
	assessment_started DATE, 
	assessment_completed DATE, 
	assessment_factors VARCHAR(300) NOT NULL, 
	initial_home_visit DATE, 
	support_started DATE, 
	cin_plan_start DATE, 
	cin_plan_end DATE, 
	closure_decided DATE, 
	family_told_of_closure DATE, 
	step_down_decided DATE, 
	step_down_completed DATE, 
	moved_in DATE, 
	closure_date DATE, 
	closure_reason VARCHAR(3), unmet_need_stepped_down BOOLEAN DEFAULT '0' NOT NULL, referral_route VARCHAR(24) DEFAULT '' NOT NULL, referral_decision VARCHAR(24) DEFAULT '' NOT NULL, referral_decided_by VARCHAR(200) DEFAULT '' NOT NULL, factors_chosen VARCHAR(300) DEFAULT '' NOT NULL, assessment_level VARCHAR(80) DEFAULT '' NOT NULL, assessment_outcome VARCHAR(16) DEFAULT '' NOT NULL, assessment_authorised_by VARCHAR(200) DEFAULT '' NOT NULL, cin_plan_authorised_by VARCHAR(200) DEFAULT '' NOT NULL, assessment_record VARCHAR DEFAULT '{}' NOT NULL, early_help_plan_on DATE, referral_decided_on DATE, assessment_submitted DATE, early_review_by DATE, early_review_asked DATE, early_review_reason VARCHAR DEFAULT '' NOT NULL, recorded_from DATE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE erasure (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	reference VARCHAR(32) NOT NULL, 
	erased_on DATE NOT NULL, 
	erased_by VARCHAR(200) NOT NULL, 
	erased_by_role VARCHAR(120) NOT NULL, 
	reason VARCHAR NOT NULL, 
	closed_on DATE, 
	kept_until DATE, 
	records INTEGER NOT NULL, 
	entries VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE family (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	address VARCHAR(400) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE family_group_conference (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	status VARCHAR(16) NOT NULL, 
	referred_on DATE NOT NULL, 
	referred_by VARCHAR(200) NOT NULL, 
	coordinator VARCHAR(200) NOT NULL, 
	held_on DATE, 
	declined_on DATE, 
	family_plan VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	plan_version_id CHAR(32), 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(plan_version_id) REFERENCES plan_version (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE gcp2_assessment (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	assessed_on DATE NOT NULL, 
	assessor VARCHAR(200) NOT NULL, 
	physical INTEGER NOT NULL, 
	safety INTEGER NOT NULL, 
	love INTEGER NOT NULL, 
	esteem INTEGER NOT NULL, 
	summary VARCHAR NOT NULL, 
	recorded_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE gcp2_need (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	gcp2_id CHAR(32) NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	need_key CHAR(32) NOT NULL, 
	need_text VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(gcp2_id) REFERENCES gcp2_assessment (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE "meeting" (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	kind VARCHAR(16) NOT NULL, 
	held_on DATE NOT NULL, 
	held BOOLEAN NOT NULL, 
	next_review DATE, 
	minutes_circulated DATE, 
	plan_circulated DATE, 
	status VARCHAR(16) DEFAULT 'scheduled' NOT NULL, 
	starts_at DATETIME, 
	venue VARCHAR(200) DEFAULT ('') NOT NULL, 
	chair VARCHAR(200) DEFAULT ('') NOT NULL, 
	chair_role VARCHAR(120) DEFAULT ('') NOT NULL, 
	practical VARCHAR DEFAULT '[]' NOT NULL, 
	cancelled_reason VARCHAR DEFAULT ('') NOT NULL, 
	rebooked_from_id CHAR(32), 
	minutes VARCHAR DEFAULT ('') NOT NULL, 
	still_in_need BOOLEAN, 
	recommendation VARCHAR(32) DEFAULT ('') NOT NULL, 
	child_invited BOOLEAN DEFAULT 0 NOT NULL, 
	not_invited_reason VARCHAR DEFAULT '' NOT NULL, 
	papers_sent_on DATE, 
	cancel_told VARCHAR DEFAULT '' NOT NULL, booked_by VARCHAR(200) DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_meeting_rebooked_from FOREIGN KEY(rebooked_from_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE meeting_agreement (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	meeting_id CHAR(32) NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	person_id CHAR(32), 
	name VARCHAR(200) NOT NULL, 
	due DATE NOT NULL, 
	visited_on DATE, 
	outcome VARCHAR(16) NOT NULL, 
	notes VARCHAR NOT NULL, 
	recorded_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE meeting_distribution (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	meeting_id CHAR(32) NOT NULL, 
	person_id CHAR(32), 
	recipient VARCHAR(200) NOT NULL, 
	sent_on DATE NOT NULL, 
	method VARCHAR(20) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE meeting_invitee (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	meeting_id CHAR(32) NOT NULL, 
	person_id CHAR(32), 
	position INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(200) NOT NULL, 
	is_parent BOOLEAN NOT NULL, 
	attendance VARCHAR(20) NOT NULL, 
	added_on_the_day BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE non_engagement (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	started_on DATE NOT NULL, 
	recorded_by VARCHAR(200) NOT NULL, 
	why VARCHAR NOT NULL, 
	history VARCHAR NOT NULL, 
	culture VARCHAR NOT NULL, 
	requirements VARCHAR NOT NULL, 
	communication VARCHAR NOT NULL, 
	records VARCHAR NOT NULL, 
	completed_on DATE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE person (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	agency VARCHAR(200) NOT NULL, 
	role VARCHAR(120) NOT NULL, 
	phone VARCHAR(40) NOT NULL, 
	email VARCHAR(200) NOT NULL, 
	address VARCHAR(400) NOT NULL, 
	interpreter_language VARCHAR(80) NOT NULL, 
	access_needs VARCHAR(400) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE "plan" (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE plan_action (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	need_id CHAR(32) NOT NULL, 
	version_id CHAR(32) NOT NULL, 
	"key" CHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	what VARCHAR NOT NULL, 
	who VARCHAR(200) NOT NULL, 
	person_id CHAR(32), 
	by_when DATE, 
	status VARCHAR(16) NOT NULL, 
	notes VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(need_id) REFERENCES plan_need (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(version_id) REFERENCES plan_version (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE plan_need (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version_id CHAR(32) NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	"key" CHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	now VARCHAR NOT NULL, 
	outcome VARCHAR NOT NULL, 
	evidence VARCHAR NOT NULL, 
	rag VARCHAR(1) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(version_id) REFERENCES plan_version (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE plan_service (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version_id CHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	purpose VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(version_id) REFERENCES plan_version (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE plan_version (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	plan_id CHAR(32) NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	number INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	created_on DATE NOT NULL, 
	agreed_on DATE, 
	agreed_at VARCHAR(200) NOT NULL, 
	agreed_by VARCHAR(200) NOT NULL, 
	meeting_id CHAR(32), 
	objectives VARCHAR NOT NULL, 
	lead_professional VARCHAR(200) NOT NULL, 
	review_arrangements VARCHAR NOT NULL, 
	next_review DATE, 
	childs_views VARCHAR NOT NULL, 
	lived_experience VARCHAR NOT NULL, visit_every_amount INTEGER, visit_every_unit VARCHAR(16), bottom_lines VARCHAR DEFAULT '' NOT NULL, if_not_met VARCHAR DEFAULT '' NOT NULL, good_enough VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(plan_id) REFERENCES "plan" (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE quality_check (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	kind VARCHAR(16) NOT NULL, 
	held_on DATE NOT NULL, 
	facilitator VARCHAR(200) NOT NULL, 
	needs_met BOOLEAN, 
	findings VARCHAR NOT NULL, 
	recorded_by_id CHAR(32), 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(recorded_by_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE rag_change (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	need_key CHAR(32) NOT NULL, 
	version_id CHAR(32), 
	rated_on DATE NOT NULL, 
	rating VARCHAR(1) NOT NULL, 
	previous VARCHAR(1), 
	"by" VARCHAR(200) NOT NULL, 
	reason VARCHAR NOT NULL, 
	maintained_for VARCHAR(120) NOT NULL, 
	agreed_at VARCHAR(200) NOT NULL, 
	cp_discussion VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(version_id) REFERENCES plan_version (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE reallocation (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	from_worker_id CHAR(32), 
	to_worker_id CHAR(32) NOT NULL, 
	reallocated_on DATE NOT NULL, 
	"by" VARCHAR(200) NOT NULL, 
	reason VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(from_worker_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(to_worker_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE safety_scaling (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	scaled_on DATE NOT NULL, 
	score INTEGER NOT NULL, 
	who VARCHAR(200) NOT NULL, 
	role VARCHAR(200) NOT NULL, 
	why VARCHAR NOT NULL, 
	question VARCHAR NOT NULL, 
	recorded_by VARCHAR(200) NOT NULL, 
	meeting_id CHAR(32), 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE safety_statement (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	kind VARCHAR(16) NOT NULL, 
	number INTEGER NOT NULL, 
	written_on DATE NOT NULL, 
	text VARCHAR NOT NULL, 
	"by" VARCHAR(200) NOT NULL, 
	danger_id CHAR(32), 
	replaces_id CHAR(32), 
	meeting_id CHAR(32), 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(danger_id) REFERENCES safety_statement (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(meeting_id) REFERENCES meeting (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(replaces_id) REFERENCES safety_statement (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE short_break (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	provider VARCHAR(200) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	hours FLOAT NOT NULL, 
	per VARCHAR(8) NOT NULL, 
	started_on DATE NOT NULL, 
	review_due DATE NOT NULL, 
	ended_on DATE, 
	end_reason VARCHAR DEFAULT '' NOT NULL, 
	notes VARCHAR DEFAULT '' NOT NULL, 
	recorded_by VARCHAR(200) DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE store_meta (
	"key" VARCHAR(64) NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE supervision (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	held_on DATE NOT NULL, 
	manager_id CHAR(32), 
	manager VARCHAR(200) NOT NULL, 
	present VARCHAR NOT NULL, 
	discussion VARCHAR NOT NULL, 
	decisions VARCHAR NOT NULL, 
	next_due DATE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(manager_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE supervision_action (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	supervision_id CHAR(32) NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	what VARCHAR NOT NULL, 
	who VARCHAR(200) NOT NULL, 
	by_when DATE, 
	status VARCHAR(16) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(supervision_id) REFERENCES supervision (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE support_review (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	short_break_id CHAR(32), 
	direct_payment_id CHAR(32), 
	reviewed_on DATE NOT NULL, 
	reviewed_by VARCHAR(200) DEFAULT '' NOT NULL, 
	notes VARCHAR DEFAULT '' NOT NULL, 
	next_due DATE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(direct_payment_id) REFERENCES direct_payment (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(short_break_id) REFERENCES short_break (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE sync_conflict (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	device VARCHAR(64) NOT NULL, 
	child_id CHAR(32), 
	kind VARCHAR(20) NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	entity_id VARCHAR(64) NOT NULL, 
	field VARCHAR(64) NOT NULL, 
	base VARCHAR NOT NULL, 
	mine VARCHAR NOT NULL, 
	theirs VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	chosen VARCHAR(10) NOT NULL, 
	resolved_by VARCHAR(64) NOT NULL, 
	resolved_at DATETIME, theirs_by VARCHAR(64) DEFAULT '' NOT NULL, theirs_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE sync_device (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	device VARCHAR(64) NOT NULL, 
	login VARCHAR(64) NOT NULL, 
	label VARCHAR(200) NOT NULL, 
	received_seq INTEGER NOT NULL, 
	received_hash VARCHAR(64) NOT NULL, 
	last_sync_at DATETIME, 
	revoked_at DATETIME, 
	revoked_by VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE "team" (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	service VARCHAR(120) NOT NULL, 
	manager_id CHAR(32), 
	PRIMARY KEY (id), 
	CONSTRAINT fk_team_manager FOREIGN KEY(manager_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE visit (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	child_id CHAR(32) NOT NULL, 
	episode_id CHAR(32), 
	visited_at DATETIME NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	child_seen BOOLEAN NOT NULL, 
	seen_alone BOOLEAN NOT NULL, 
	bedroom_seen BOOLEAN NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	author_id CHAR(32), author_name VARCHAR(200) DEFAULT '' NOT NULL, finalised_at DATETIME, purpose VARCHAR DEFAULT '' NOT NULL, childs_comments VARCHAR DEFAULT '' NOT NULL, childs_welfare VARCHAR DEFAULT '' NOT NULL, parents_comments VARCHAR DEFAULT '' NOT NULL, health VARCHAR DEFAULT '' NOT NULL, education VARCHAR DEFAULT '' NOT NULL, care_and_support VARCHAR DEFAULT '' NOT NULL, analysis VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(author_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(child_id) REFERENCES child (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(episode_id) REFERENCES episode (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE visit_action (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	visit_id CHAR(32) NOT NULL, 
	version_id CHAR(32) NOT NULL, 
	action_key CHAR(32) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(version_id) REFERENCES plan_version (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(visit_id) REFERENCES visit (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE visit_addendum (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	visit_id CHAR(32) NOT NULL, 
	written_at DATETIME NOT NULL, 
	author_id CHAR(32), 
	author_name VARCHAR(200) NOT NULL, 
	text VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(author_id) REFERENCES worker (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(visit_id) REFERENCES visit (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE visit_present (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	visit_id CHAR(32) NOT NULL, 
	person_id CHAR(32), 
	position INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(person_id) REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED, 
	FOREIGN KEY(visit_id) REFERENCES visit (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE worker (
	id CHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	role VARCHAR(32) NOT NULL, 
	team_id CHAR(32), 
	email VARCHAR(200) NOT NULL, 
	active BOOLEAN NOT NULL, left_on DATE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(team_id) REFERENCES team (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX ix_audit_log_entity_id ON audit_log (entity_id);
CREATE INDEX ix_audit_log_txid ON audit_log (txid);
CREATE INDEX ix_child_access_child_id ON child_access (child_id);
CREATE INDEX ix_child_access_worker_id ON child_access (worker_id);
CREATE INDEX ix_child_family_id ON child (family_id);
CREATE INDEX ix_child_person_child_id ON child_person (child_id);
CREATE INDEX ix_child_person_person_id ON child_person (person_id);
CREATE UNIQUE INDEX ix_child_reference ON child (reference);
CREATE INDEX ix_child_status ON child (status);
CREATE INDEX ix_child_team_id ON child (team_id);
CREATE INDEX ix_child_worker_id ON child (worker_id);
CREATE INDEX ix_circumstance_child_id ON circumstance (child_id);
CREATE INDEX ix_consent_child_id ON consent (child_id);
CREATE INDEX ix_consent_decided_by_id ON consent (decided_by_id);
CREATE INDEX ix_consent_person_id ON consent (person_id);
CREATE INDEX ix_cp_enquiry_child_id ON cp_enquiry (child_id);
CREATE INDEX ix_cp_enquiry_episode_id ON cp_enquiry (episode_id);
CREATE INDEX ix_decision_child_id ON decision (child_id);
CREATE INDEX ix_decision_ending_id ON decision (ending_id);
CREATE INDEX ix_decision_episode_id ON decision (episode_id);
CREATE INDEX ix_decision_made_by_id ON decision (made_by_id);
CREATE INDEX ix_device_entry_entity_id ON device_entry (entity_id);
CREATE INDEX ix_direct_payment_child_id ON direct_payment (child_id);
CREATE INDEX ix_draft_child_id ON draft (child_id);
CREATE INDEX ix_ending_child_id ON ending (child_id);
CREATE INDEX ix_ending_episode_id ON ending (episode_id);
CREATE INDEX ix_ending_meeting_id ON ending (meeting_id);
CREATE INDEX ix_episode_child_id ON episode (child_id);
CREATE INDEX ix_erasure_reference ON erasure (reference);
CREATE INDEX ix_family_group_conference_child_id ON family_group_conference (child_id);
CREATE INDEX ix_family_group_conference_episode_id ON family_group_conference (episode_id);
CREATE INDEX ix_family_group_conference_plan_version_id ON family_group_conference (plan_version_id);
CREATE INDEX ix_gcp2_assessment_child_id ON gcp2_assessment (child_id);
CREATE INDEX ix_gcp2_assessment_episode_id ON gcp2_assessment (episode_id);
CREATE INDEX ix_gcp2_need_child_id ON gcp2_need (child_id);
CREATE INDEX ix_gcp2_need_gcp2_id ON gcp2_need (gcp2_id);
CREATE INDEX ix_gcp2_need_need_key ON gcp2_need (need_key);
CREATE INDEX ix_meeting_agreement_child_id ON meeting_agreement (child_id);
CREATE INDEX ix_meeting_agreement_meeting_id ON meeting_agreement (meeting_id);
CREATE INDEX ix_meeting_agreement_person_id ON meeting_agreement (person_id);
CREATE INDEX ix_meeting_distribution_meeting_id ON meeting_distribution (meeting_id);
CREATE INDEX ix_meeting_distribution_person_id ON meeting_distribution (person_id);
CREATE INDEX ix_meeting_episode_id ON meeting (episode_id);
CREATE INDEX ix_meeting_held ON meeting (child_id, held, kind, held_on, next_review, minutes_circulated, plan_circulated);
CREATE INDEX ix_meeting_invitee_meeting_id ON meeting_invitee (meeting_id);
CREATE INDEX ix_meeting_invitee_person_id ON meeting_invitee (person_id);
CREATE INDEX ix_meeting_rebooked_from_id ON meeting (rebooked_from_id);
CREATE INDEX ix_non_engagement_child_id ON non_engagement (child_id);
CREATE INDEX ix_non_engagement_episode_id ON non_engagement (episode_id);
CREATE INDEX ix_plan_action_owner ON plan_action (need_id, who, by_when);
CREATE INDEX ix_plan_action_person_id ON plan_action (person_id);
CREATE INDEX ix_plan_action_version_id ON plan_action (version_id);
CREATE INDEX ix_plan_child_id ON "plan" (child_id);
CREATE INDEX ix_plan_episode_id ON "plan" (episode_id);
CREATE INDEX ix_plan_need_child_id ON plan_need (child_id);
CREATE INDEX ix_plan_need_key ON plan_need ("key");
CREATE INDEX ix_plan_need_rag ON plan_need (version_id, rag, id);
CREATE INDEX ix_plan_service_version_id ON plan_service (version_id);
CREATE INDEX ix_plan_version_in_force ON plan_version (child_id, status, number, id);
CREATE INDEX ix_plan_version_meeting_id ON plan_version (meeting_id);
CREATE INDEX ix_plan_version_plan_id ON plan_version (plan_id);
CREATE INDEX ix_quality_check_child_id ON quality_check (child_id);
CREATE INDEX ix_quality_check_episode_id ON quality_check (episode_id);
CREATE INDEX ix_quality_check_recorded_by_id ON quality_check (recorded_by_id);
CREATE INDEX ix_rag_change_child_id ON rag_change (child_id);
CREATE INDEX ix_rag_change_need_key ON rag_change (need_key);
CREATE INDEX ix_rag_change_version_id ON rag_change (version_id);
CREATE INDEX ix_reallocation_child_id ON reallocation (child_id);
CREATE INDEX ix_reallocation_from_worker_id ON reallocation (from_worker_id);
CREATE INDEX ix_reallocation_to_worker_id ON reallocation (to_worker_id);
CREATE INDEX ix_safety_scaling_child_id ON safety_scaling (child_id);
CREATE INDEX ix_safety_scaling_episode_id ON safety_scaling (episode_id);
CREATE INDEX ix_safety_scaling_meeting_id ON safety_scaling (meeting_id);
CREATE INDEX ix_safety_statement_child_id ON safety_statement (child_id);
CREATE INDEX ix_safety_statement_danger_id ON safety_statement (danger_id);
CREATE INDEX ix_safety_statement_episode_id ON safety_statement (episode_id);
CREATE INDEX ix_safety_statement_meeting_id ON safety_statement (meeting_id);
CREATE INDEX ix_safety_statement_replaces_id ON safety_statement (replaces_id);
CREATE INDEX ix_short_break_child_id ON short_break (child_id);
CREATE INDEX ix_supervision_action_child_id ON supervision_action (child_id);
CREATE INDEX ix_supervision_action_supervision_id ON supervision_action (supervision_id);
CREATE INDEX ix_supervision_child_id ON supervision (child_id);
CREATE INDEX ix_supervision_episode_id ON supervision (episode_id);
CREATE INDEX ix_supervision_manager_id ON supervision (manager_id);
CREATE INDEX ix_support_review_child_id ON support_review (child_id);
CREATE INDEX ix_support_review_direct_payment_id ON support_review (direct_payment_id);
CREATE INDEX ix_support_review_short_break_id ON support_review (short_break_id);
CREATE INDEX ix_sync_conflict_child_id ON sync_conflict (child_id);
CREATE INDEX ix_sync_conflict_device ON sync_conflict (device);
CREATE INDEX ix_sync_conflict_entity_id ON sync_conflict (entity_id);
CREATE UNIQUE INDEX ix_sync_device_device ON sync_device (device);
CREATE INDEX ix_sync_device_login ON sync_device (login);
CREATE INDEX ix_team_manager_id ON team (manager_id);
CREATE UNIQUE INDEX ix_team_name ON team (name);
CREATE INDEX ix_visit_action_version_id ON visit_action (version_id);
CREATE INDEX ix_visit_action_visit_id ON visit_action (visit_id);
CREATE INDEX ix_visit_addendum_author_id ON visit_addendum (author_id);
CREATE INDEX ix_visit_addendum_visit_id ON visit_addendum (visit_id);
CREATE INDEX ix_visit_author_id ON visit (author_id);
CREATE INDEX ix_visit_episode_id ON visit (episode_id);
CREATE INDEX ix_visit_present_person_id ON visit_present (person_id);
CREATE INDEX ix_visit_present_visit_id ON visit_present (visit_id);
CREATE INDEX ix_visit_seen ON visit (child_id, status, child_seen, seen_alone, kind, visited_at);
CREATE INDEX ix_worker_team_id ON worker (team_id);
CREATE UNIQUE INDEX ix_worker_username ON worker (username);
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN NOT (NEW.changes = '{"erased":"personal data erased after its retention: see the erasure record"}' AND NEW.seq IS OLD.seq AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor AND NEW.action IS OLD.action AND NEW.entity IS OLD.entity AND NEW.entity_id IS OLD.entity_id AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash AND NEW.txid IS OLD.txid) BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
INSERT INTO alembic_version (version_num) VALUES ('0035');
COMMIT;
