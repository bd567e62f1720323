"""Operations: health and readiness, Prometheus metrics, JSON logs with request ids, security
headers, offline API docs and the production settings check. Each concern is its own module;
`bot.app.create_app` installs them."""
