-- A saved template version never changes: runs name it by (template, version), so the database refuses
-- any change to its identity or content. Only first_used_at may be set (once).
CREATE FUNCTION diagnosis_template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.template_id IS DISTINCT FROM OLD.template_id OR NEW.version IS DISTINCT FROM OLD.version
		OR NEW.content IS DISTINCT FROM OLD.content OR NEW.created_by IS DISTINCT FROM OLD.created_by
		OR NEW.created_at IS DISTINCT FROM OLD.created_at
		OR (OLD.first_used_at IS NOT NULL AND NEW.first_used_at IS DISTINCT FROM OLD.first_used_at) THEN
		RAISE EXCEPTION 'diagnosis template versions are immutable (% v%)', OLD.template_id, OLD.version;
	END IF;
	RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER diagnosis_template_versions_immutable BEFORE UPDATE ON "diagnosis_template_versions"
	FOR EACH ROW EXECUTE FUNCTION diagnosis_template_versions_immutable();
