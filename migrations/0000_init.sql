CREATE TABLE `events` (
	`rv` integer PRIMARY KEY NOT NULL,
	`resource` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_resource_rv` ON `events` (`resource`,`rv`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `objects` (
	`resource` text NOT NULL,
	`name` text NOT NULL,
	`uid` text NOT NULL,
	`rv` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`resource`, `name`)
);
--> statement-breakpoint
CREATE TABLE `owner_refs` (
	`owner_uid` text NOT NULL,
	`resource` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`owner_uid`, `resource`, `name`)
);
