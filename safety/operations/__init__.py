"""Operations (issue #22): the health endpoint, structured logs with a request id, media in
object storage, the read-replica router. No models: process-level plumbing the features share."""
