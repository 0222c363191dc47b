# The seed page writes dates as 2025.04.30 00:58.
DATE_FORMAT = "Y.m.d"
DATETIME_FORMAT = "Y.m.d H:i"
SHORT_DATE_FORMAT = "Y.m.d"
SHORT_DATETIME_FORMAT = "Y.m.d H:i"
