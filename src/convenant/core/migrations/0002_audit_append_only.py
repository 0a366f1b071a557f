"""The audit log is append-only: the database itself refuses to change or delete an event,
whatever code (or person with a SQL prompt) tries."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER core_auditevent_append_only
  BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER core_auditevent_append_only ON core_auditevent;
DROP FUNCTION core_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
