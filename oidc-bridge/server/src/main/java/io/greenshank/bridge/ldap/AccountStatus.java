package io.greenshank.bridge.ldap;

/** Whether a directory account may log in. */
public enum AccountStatus {
    ACTIVE,
    /** Locked by the directory's password policy (OpenLDAP {@code pwdAccountLockedTime}, AD {@code lockoutTime}). */
    LOCKED,
    /** Disabled by an administrator (AD {@code userAccountControl} ACCOUNTDISABLE) or expired. */
    DISABLED
}
