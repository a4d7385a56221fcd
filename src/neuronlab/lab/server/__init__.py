"""The lab's server: the route table, the guards, the request checks and serving.

- :mod:`~neuronlab.lab.server.app`: the Starlette app and its route table.
- :mod:`~neuronlab.lab.server.guard`: who may talk to the lab (this machine, its token).
- :mod:`~neuronlab.lab.server.schema`: the size limits and the checks on request fields.
- :mod:`~neuronlab.lab.server.api`: reading a bounded JSON body, answering errors.
- :mod:`~neuronlab.lab.server.serve`: uvicorn with the connection limits.
- :mod:`~neuronlab.lab.server.runtime`: where a running lab leaves its URL, and cleaning up.
"""
