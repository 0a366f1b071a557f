"""The audit log stays append-only, with one exception: erasing a person on request
(GDPR art. 17) replaces their name and address in the events with a pseudonym. The trigger
lets an UPDATE through only when the erasing transaction says so (``SET LOCAL
convenant.pseudonymise = 'on'``) and only the four columns that can carry a name change:
who (as recorded), the object's name, before and after. The verb, the time, the person's id
and everything else stay as written; DELETE is always refused."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND coalesce(current_setting('convenant.pseudonymise', true), '') = 'on'
     AND (to_jsonb(NEW) - ARRAY['actor_label', 'object_repr', 'before', 'after'])
         = (to_jsonb(OLD) - ARRAY['actor_label', 'object_repr', 'before', 'after']) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END $$;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0004_token_scopes_and_erasure")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
