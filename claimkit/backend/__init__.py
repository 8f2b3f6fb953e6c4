"""claimkit's own Label Studio ML backend: predictions for tasks as annotators open them.

``app`` (the FastAPI app: the endpoints Label Studio calls), ``predict`` (task → prediction, with the
payload code of ``claimkit push``), ``served`` (what is served and its ``model_version``), ``auth``
(basic-auth credentials), ``serve`` (binding rules, uvicorn). It sits beside ``claimkit.commands``:
it needs both ``annotate`` and ``models``, and neither of them imports it. See ``docs/ml-backend.md``.
"""
