"""The one sentence every page shows while no model serves (defined once, used three times)."""

# What a user sees while no model serves; true on every deployment: a worker trains the first
# model by itself, and web processes pick it up from the registry within MODEL_RELOAD_SECONDS.
NO_MODEL_YET = (
    "The background worker trains the first one as soon as a catalogue is loaded and this page "
    "picks it up within a minute; an administrator can queue a retrain on the Admin page or run "
    "`flask --app app ml train`."
)
