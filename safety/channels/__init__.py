"""Delivery channels behind the notification outbox (issue #21): WeCom (企业微信), DingTalk
(钉钉), template SMS (Aliyun, Tencent Cloud) and e-mail. See docs/channels.md."""
