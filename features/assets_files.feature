Feature: Designers' files: upload, versions, download
  The designer uploads the source of a deliverable; anyone on the team downloads it unchanged.
  Every new file needs a new look, and the 30 GB disk is protected from oversized uploads.

  Background:
    Given an admin "ada@bars.fr", a designer "max@bars.fr" and the event "Soirée Disco" on "2026-12-12" with a "Poster A3" slot

  Scenario: I can download the source file uploaded by the designer
    When "max@bars.fr" uploads "Affiche Noël.pdf" to the "Poster A3" slot
    Then the answer is 201 with version 1
    When "ada@bars.fr" downloads that file
    Then she gets exactly the bytes the designer uploaded
    And the download is named "Affiche Noël.pdf"
    And the "Poster A3" slot is in "review"

  Scenario: Every version stays downloadable
    When "max@bars.fr" uploads "poster-v1.pdf" to the "Poster A3" slot
    And "max@bars.fr" uploads "poster-v2.pdf" to the "Poster A3" slot
    Then the answer is 201 with version 2
    And the event card lists versions 1 and 2 of "Poster A3"
    And "ada@bars.fr" can still download version 1 unchanged

  Scenario: A new version of an approved slot goes back to review
    Given "max@bars.fr" uploaded "poster.pdf" to the "Poster A3" slot
    And "ada@bars.fr" approved the "Poster A3" slot
    When "max@bars.fr" uploads "poster-fixed.pdf" to the "Poster A3" slot
    Then the answer is 201 with version 2
    And the "Poster A3" slot is in "review"

  Scenario: The system refuses a 2 GB file
    When "max@bars.fr" starts uploading a 2 GB file to the "Poster A3" slot
    Then the answer is 413 saying "larger than the 500 MB limit"
    And it came before the file was read
    And nothing was stored
