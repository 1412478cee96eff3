"""The managers' back office, /gestion: curate, verify, retire, import and review actors."""
