"""#21 Sign-in through the bureau's identity platform (统一身份认证): OIDC, CAS and LDAP.

The platform proves who a person is; SafeCampus decides what they may do (units and roles stay
managed here). See docs/sso.md.
"""
