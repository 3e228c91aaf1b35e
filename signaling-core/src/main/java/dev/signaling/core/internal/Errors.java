package dev.signaling.core.internal;

/** The exact error texts of the protocol. */
final class Errors {
  static final String INVALID_JSON = "invalid JSON";
  static final String INVALID_MESSAGE = "invalid message";
  static final String UNKNOWN_TYPE = "unknown type";
  static final String MISSING_NODE_ID_OR_USERNAME = "missing nodeId or username";
  static final String FIELD_TOO_LONG = "field too long";
  static final String INVALID_KEY = "invalid key";
  static final String MISSING_TO_OR_FROM = "missing to or from";
  static final String PEER_NOT_FOUND = "peer not found";
  static final String NOT_REGISTERED = "not registered";
  static final String FROM_MISMATCH = "from does not match registered nodeId";
  static final String MISSING_NODE_ID_OR_ROLES = "missing nodeId or roles";
  static final String ROLE_ASSIGN_REFUSED = "role-assign refused";
  static final String NODE_ID_TAKEN = "nodeId already registered";
  static final String REPLACED = "replaced by a newer registration";
  static final String UNAUTHORIZED = "unauthorized";
  static final String RATE_LIMITED = "rate limit exceeded";

  private Errors() {}
}
