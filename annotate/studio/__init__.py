"""Label Studio: one task per claim, pre-annotations pushed, annotations pulled back — one job per module.

- ``config``: the labeling config and annotator instructions generated from the schema, and their validation;
- ``paragraph``: the paragraph a task shows, and the two position forms of a region on it;
- ``tasks``: task payloads, prediction/annotation results, and the record types a pull returns;
- ``client``: connection settings and the one error mapping applied to every SDK call;
- ``push`` and ``pull``: the two directions of the round trip;
- ``server``: the local server that ``claimkit studio start`` manages.

``docs/label-studio.md`` describes the task format and the round trip.
"""
